import { IsDefined, IsNumber, IsOptional, IsString, MaxLength } from 'class-validator';

export class ChangeBalanceDto {
  @IsDefined()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 }, { message: 'amount must be a number with at most 2 decimals' })
  amount!: number;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  comment?: string;
}
