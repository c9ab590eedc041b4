import { IsDefined, IsNumber, IsOptional, IsPositive, IsString, ValidateIf } from 'class-validator';

export class CloseOrderDto {
  @IsDefined()
  @ValidateIf((o: CloseOrderDto) => typeof o.orderId !== 'number')
  @IsString({ message: 'orderId must be an order id' })
  orderId!: string | number;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'quantity must be a number' })
  @IsPositive({ message: 'quantity must be greater than 0' })
  quantity?: number | null;

  @IsOptional()
  @ValidateIf((o: CloseOrderDto) => typeof o.accountId !== 'number')
  @IsString({ message: 'accountId must be an account id' })
  accountId?: string | number;
}
