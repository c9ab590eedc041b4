import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { hashPassword } from '../../auth/password-hasher.js';
import { ApiError, badRequest, notFound } from '../../common/api-errors.js';
import { EngineGateway } from '../../common/engine-gateway.service.js';
import { apiV1Body } from '../../common/validation.js';
import { AdminGuard } from '../admin.guard.js';
import { CreateManagerDto, ManagerCreatedDto } from './create-manager.dto.js';

@ApiTags('Admin')
@ApiHeader({ name: 'x-admin-token', required: true, description: 'Equal to the ADMIN_TOKEN the service was started with' })
@Controller('api/v1/admin')
@UseGuards(AdminGuard)
export class ManagersController {
  constructor(private readonly gateway: EngineGateway) {}

  /**
   * A manager is an event-sourced user with `role: 'manager'` and groups, and no account. It signs in
   * at `/api/v1/user/signin`; its token carries the manager access type and trades (MT4 `/trade/open`)
   * any account of its groups.
   */
  @Post('managers')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Create a manager bound to groups', description: 'The manager signs in at /api/v1/user/signin; its token (access type manager) may trade every account of its groups through MT4 /trade/open.' })
  @ApiBody({ type: CreateManagerDto, examples: { desk: { value: { email: 'desk.manager@example.com', password: 'manager-password-1', groups: ['demo'] } } } })
  @ApiResponse({ status: 201, type: ManagerCreatedDto })
  @ApiResponse({ status: 400, description: 'Invalid body', schema: { example: { error: 'password must be at least 8 characters' } } })
  @ApiResponse({ status: 403, description: 'Missing or wrong x-admin-token', schema: { example: { error: 'Invalid admin token (x-admin-token)' } } })
  @ApiResponse({ status: 404, description: 'A named group does not exist', schema: { example: { error: 'Group not found' } } })
  @ApiResponse({ status: 409, description: 'The email is taken (by a user or a manager)', schema: { example: { error: 'Email is already registered' } } })
  async create(@Body(apiV1Body(['email', 'password', 'groups'])) body: CreateManagerDto): Promise<ManagerCreatedDto> {
    const commandId = this.gateway.newCommandId();
    const { outcome } = await this.gateway.execute(
      { type: 'RegisterManager', commandId, email: body.email, passwordHash: await hashPassword(body.password), groups: body.groups },
      commandId,
    );
    if (outcome.reason === 'EMAIL_TAKEN') throw new ApiError(HttpStatus.CONFLICT, 'Email is already registered');
    if (outcome.reason === 'GROUP_NOT_FOUND') throw notFound('Group');
    if (outcome.code !== 'TRADE_RETCODE_DONE' || outcome.userId === undefined) throw badRequest(outcome.reason ?? outcome.message, outcome.code);
    const id = String(outcome.userId);
    return { managerId: id, userId: id, email: body.email.trim().toLowerCase(), groups: [...new Set(body.groups)] };
  }
}
