import type { Application } from '@microsoft/teams-ai';
import type { FileUploadInfo } from 'botbuilder';
import type { ConversationRecord } from '../../store';
import { isAdmin } from '../admin-check';
import type { BotServices } from '../bot-services';
import { conversationRecordOf, tenantOf } from '../conversation-records';
import { uploadFileToSession } from '../export-upload';
import { exportConsentContextOf, fileInfoActivity, writeExportFile, type ExportConsentContext } from '../teams-export';

/**
 * The answers to the export's file consent card (Teams' `fileConsent/invoke`). On accept the CSV is
 * written and uploaded to the user's OneDrive after Teams has been answered (an upload can take
 * longer than Teams waits for an invoke), then the file card is sent; on decline the user is told.
 */
export function registerFileConsent(app: Application, services: BotServices): void {
  app.fileConsentAccept(async (context, _state, response) => {
    const offer = exportConsentContextOf(response.context);
    const upload = response.uploadInfo;
    if (!offer || !upload?.uploadUrl) {
      await context.sendActivity('I do not know that file: say "export 7d" or "export 30d" to get a new one.');
      return;
    }
    // The card may have been forwarded or replayed: the one who accepts must still be an admin of the tenant.
    if (tenantOf(context.activity) !== offer.tenantId || !(await isAdmin(context, services.admins))) {
      await context.sendActivity("Sorry, only the bot's admins can export the call history.");
      return;
    }
    const chat = conversationRecordOf(context.activity, services.clock());
    services.tasks.run('export upload', () => uploadExport(services, chat, offer, upload));
  });

  app.fileConsentDecline(async (context, _state, response) => {
    if (!exportConsentContextOf(response.context)) return;
    await context.sendActivity('OK, I did not send the export. Say "export 7d" or "export 30d" when you want it.');
  });
}

/** Writes the file, uploads it, shows it in the chat; says what went wrong otherwise. The file is removed either way. */
async function uploadExport(services: BotServices, chat: ConversationRecord, offer: ExportConsentContext, upload: FileUploadInfo): Promise<void> {
  const { logger, messenger, store } = services;
  let written: Awaited<ReturnType<typeof writeExportFile>> | undefined;
  try {
    written = await writeExportFile(store.history, offer);
    await uploadFileToSession(upload.uploadUrl!, written.file, written.bytes);
    await messenger.post(chat, fileInfoActivity(upload));
    logger.info({ tenantId: offer.tenantId, rows: written.rows, bytes: written.bytes, unreadable: written.unreadable }, 'sent an export');
  } catch (error) {
    logger.warn({ tenantId: offer.tenantId, err: (error as Error).message }, 'could not send an export');
    await messenger
      .post(chat, { type: 'message', text: `I could not send the export: ${(error as Error).message} Say "export" to try again.` })
      .catch((sendError: Error) => logger.warn({ err: sendError.message }, 'could not say that the export failed'));
  } finally {
    await written?.remove();
  }
}
