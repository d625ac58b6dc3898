/** Response bodies shared by several commands (API.md). */
import { ApiProperty } from '@nestjs/swagger';

export interface CreatedResult {
  id: string;
  position: string;
}

export class CreatedResponse implements CreatedResult {
  @ApiProperty({ description: 'Id of the new entity.' })
  id!: string;
  @ApiProperty({
    description: 'Decimal $all commit position of the last appended event.',
    example: '18446',
  })
  position!: string;
}

export class PositionResponse {
  @ApiProperty({
    description: 'Decimal $all commit position of the last appended event.',
    example: '18446',
  })
  position!: string;
}
