import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsEmail, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class CreateManagerDto {
  @ApiProperty({ example: 'desk.manager@example.com', maxLength: 254 })
  @IsDefined()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'manager-password-1', minLength: 8, maxLength: 256 })
  @IsDefined()
  @IsString()
  @MinLength(8, { message: 'password must be at least 8 characters' })
  @MaxLength(256)
  password!: string;

  @ApiProperty({ type: [String], example: ['demo', 'vip'], description: 'Groups whose accounts the manager may trade; each must exist.' })
  @IsDefined()
  @IsArray({ message: 'groups must be an array of group names' })
  @ArrayMinSize(1, { message: 'groups must name at least one group' })
  @ArrayMaxSize(100)
  @IsString({ each: true, message: 'groups must be an array of group names' })
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { each: true, message: 'each group name is 1–64 letters, digits, dots, dashes or underscores' })
  groups!: string[];
}

export class ManagerCreatedDto {
  @ApiProperty({ example: '7', description: 'The manager is a user: this is its user id.' })
  managerId!: string;

  @ApiProperty({ example: '7' })
  userId!: string;

  @ApiProperty({ example: 'desk.manager@example.com' })
  email!: string;

  @ApiProperty({ type: [String], example: ['demo', 'vip'] })
  groups!: string[];
}
