import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HEALTH } from '../runtime.tokens.js';
import type { HealthProbe } from './health.port.js';
import { HealthDocs, LiveDocs } from '../openapi/v1-docs.js';

@Controller('health')
export class HealthController {
  constructor(@Inject(HEALTH) private readonly probe: HealthProbe) {}

  /** Readiness: 200 when every component is up (or degraded), 503 when one is down. */
  @HealthDocs()
  @Get()
  async readiness(@Res() reply: FastifyReply): Promise<void> {
    const report = await this.probe.check();
    await reply.status(report.status === 'down' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK).send(report);
  }

  /** Liveness: the process answers. */
  @LiveDocs()
  @Get('live')
  live(): { status: 'up' } {
    return { status: 'up' };
  }
}
