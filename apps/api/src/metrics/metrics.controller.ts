import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { TradestreamMetrics } from './metrics.js';

/**
 * Prometheus exposition (text format 0.0.4) for this process. Open like `/health`: it carries
 * counts and latencies by route pattern and result code, nothing about any user or account.
 */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: TradestreamMetrics) {}

  @Get()
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const { contentType, body } = await this.metrics.scrape();
    await reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  }
}
