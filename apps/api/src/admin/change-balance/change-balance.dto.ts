import { IsDefined, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsPlainDecimal } from '../../common/decimal-field.js';

export class ChangeBalanceDto {
  @IsDefined()
  @IsPlainDecimal(2, { message: 'amount must be a number with at most 2 decimals' })
  amount!: number;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  comment?: string;
}
