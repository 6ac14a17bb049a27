/**
 * The panel calls of the ingest settings and status (issue "Metrics from the user's other
 * software"): they read and change the persisted IngestConfig (the receiver and the scraper follow
 * its changes) and report the IngestStatusBoard. Arguments are already validated by panel-schemas.ts.
 */
import type { PanelApi } from '../../shared/panel-api.ts';
import type { IngestConfig } from '../ingest/ingest-settings.ts';
import type { IngestStatusBoard } from '../ingest/ingest-status.ts';

export interface IngestContext {
  config: IngestConfig;
  board: IngestStatusBoard;
}

type IngestCalls = Pick<
  PanelApi,
  | 'getIngestSettings'
  | 'setIngestSettings'
  | 'listScrapeTargets'
  | 'saveScrapeTarget'
  | 'deleteScrapeTarget'
  | 'getIngestStatus'
>;

export function createIngestHandlers({ config, board }: IngestContext): IngestCalls {
  return {
    async getIngestSettings() {
      return config.settings();
    },
    async setIngestSettings(settings) {
      return config.setSettings(settings);
    },
    async listScrapeTargets() {
      return config.targets();
    },
    async saveScrapeTarget(target) {
      return config.saveTarget(target);
    },
    async deleteScrapeTarget(id) {
      config.deleteTarget(id);
      board.forgetTarget(id);
    },
    async getIngestStatus() {
      return board.status(config.targets());
    },
  };
}
