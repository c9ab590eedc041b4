import { ArrayMaxSize, IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { INSTRUMENTS } from '../../../../../libs/domain/src/index.js';

import { IsPlainDecimal } from '../../common/decimal-field.js';

export class DefineGroupDto {
  @IsDefined()
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'name must be 1–64 letters, digits, dots, dashes or underscores' })
  name!: string;

  @IsDefined()
  @IsInt()
  @Min(1)
  @Max(1000)
  leverage!: number;

  @IsDefined()
  @IsPlainDecimal(2, { message: 'marginCall must be a percentage' })
  @Min(0)
  @Max(10_000)
  marginCall!: number;

  @IsDefined()
  @IsPlainDecimal(2, { message: 'stopOut must be a percentage' })
  @Min(0)
  @Max(10_000)
  stopOut!: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxLeverage?: number;

  @IsOptional()
  @IsPlainDecimal(2, { message: 'commissionPerLot must be an amount with at most 2 decimals' })
  @Min(0)
  commissionPerLot?: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsIn(INSTRUMENTS.map((i) => i.symbol), { each: true, message: 'symbols must be listed instruments' })
  symbols?: string[];

  @IsOptional()
  @IsBoolean()
  hedging?: boolean;
}

export class ChangeAccountGroupDto {
  @IsDefined()
  @IsString()
  group!: string;
}
