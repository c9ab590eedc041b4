import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { shownValue, validationFailed, type MetaApiErrorDetail } from '../common/metaapi-error.js';
import {
  ACTION_TYPES,
  MAX_COMMENT_AND_CLIENT_ID,
  REQUEST_CLASS,
  type ActionType,
  type ExpirationRequest,
  type TradeRequest,
} from './trade-request.dto.js';

/** Whether `text` starts with `word` followed by a non-word character or nothing. */
const startsWithWord = (text: string, word: string) => text.startsWith(word) && !/^\w/.test(text.slice(word.length));

function details(errors: ValidationError[], prefix = ''): MetaApiErrorDetail[] {
  return errors.flatMap((error) => {
    const parameter = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      parameter,
      ...shownValue(error.value),
      // class-validator's own messages name the bare property; ours name the path.
      // (Compared as text, never as a pattern: a property name is the client's and may be `)(`.)
      message: prefix && startsWithWord(message, error.property) ? `${parameter}${message.slice(error.property.length)}` : message,
    }));
    return [...own, ...details(error.children ?? [], parameter)];
  });
}

/** Whether an expiration lacks the time its type needs; none given (absent or null) needs nothing. */
const needsTime = (expiration: ExpirationRequest | null | undefined) =>
  expiration !== undefined && expiration !== null && (expiration.type === 'ORDER_TIME_SPECIFIED' || expiration.type === 'ORDER_TIME_SPECIFIED_DAY') && expiration.time === undefined;

/** Rules across fields, checked once every field is valid on its own. */
function crossFieldDetails(request: TradeRequest): MetaApiErrorDetail[] {
  const found: MetaApiErrorDetail[] = [];
  if ('comment' in request || 'clientId' in request) {
    const { comment, clientId } = request as { comment?: string; clientId?: string };
    if ((comment?.length ?? 0) + (clientId?.length ?? 0) > MAX_COMMENT_AND_CLIENT_ID) {
      found.push({
        parameter: 'clientId',
        message: `The sum of the line lengths of the comment and the clientId must be less than or equal to ${MAX_COMMENT_AND_CLIENT_ID}`,
      });
    }
  }
  if ('expiration' in request && needsTime(request.expiration)) {
    found.push({ parameter: 'expiration.time', message: `expiration.time is required for ${request.expiration!.type}` });
  }
  return found;
}

/**
 * The trade request of a MetaApi body: the DTO of its actionType, every field validated, unknown
 * fields refused. Throws a 400 ValidationError listing each invalid parameter.
 */
export function parseTradeRequest(body: unknown): TradeRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationFailed([{ parameter: 'body', message: 'The body must be a JSON object (MetatraderTrade)' }]);
  }
  const actionType = (body as { actionType?: unknown }).actionType;
  if (typeof actionType !== 'string' || !(ACTION_TYPES as readonly string[]).includes(actionType)) {
    throw validationFailed([
      {
        parameter: 'actionType',
        ...shownValue(actionType),
        message: actionType === undefined ? 'actionType is required' : `actionType must be one of ${ACTION_TYPES.join(', ')}`,
      },
    ]);
  }
  const request = plainToInstance(REQUEST_CLASS[actionType as ActionType], body) as TradeRequest;
  const errors = validateSync(request, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: true },
  });
  const found = errors.length > 0 ? details(errors) : crossFieldDetails(request);
  if (found.length > 0) throw validationFailed(found);
  return request;
}
