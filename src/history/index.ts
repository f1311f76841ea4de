/**
 * History, read: what the bot makes of the calls it kept, from the store. Export streams every
 * stream of a range as rows, page by page.
 */
export { exportRows, writeExport, type ExportFormat, type ExportRequest } from './history-export';
