import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsInt, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

export class Mt4SignInDto {
  @ApiProperty({ type: 'integer', example: 100001, description: "An account's numeric id (its login)" })
  @IsDefined({ message: 'login is required' })
  @IsInt({ message: 'login must be an integer' })
  @Min(1, { message: 'login must be a positive integer' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'login must be a positive integer' })
  login!: number;

  @ApiProperty({ example: 'correct-horse-1', description: "The account owner's password" })
  @IsDefined({ message: 'password is required' })
  @IsString({ message: 'password must be a string' })
  @MinLength(1, { message: 'password must not be empty' })
  @MaxLength(256, { message: 'password must be at most 256 characters' })
  password!: string;
}

export class Mt4TokenDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' })
  token!: string;
}

export class Mt4SignInResponseDto {
  @ApiProperty({ type: Mt4TokenDto })
  data!: Mt4TokenDto;
}

export class Mt4ErrorDto {
  @ApiProperty({ enum: ['INVALID_DATA', 'PERMISSION_DENIED', 'USER_NOT_FOUND', 'GROUP_NOT_FOUND', 'OPEN_ORDER_ERROR'], example: 'INVALID_DATA' })
  error!: string;

  @ApiProperty({ example: 'cmd must be 0 (BUY), 1 (SELL), 2 (BUY_LIMIT), 3 (SELL_LIMIT), 4 (BUY_STOP) or 5 (SELL_STOP)' })
  message!: string;
}
