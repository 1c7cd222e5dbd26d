/** The email AlertChannel: messages from message.ts, delivery and error meaning from smtp.ts. */
import { isEmailAddress } from "../config.ts";
import { type AlertChannel, EMAIL_CHANNEL } from "./channel.ts";
import { buildAlertMessage } from "./message.ts";
import { describeSmtpError, type Mailer } from "./smtp.ts";

export { EMAIL_CHANNEL };

/** What the email channel needs. */
export interface EmailChannelOptions {
  mailer: Mailer;
  /** Domain of the Message-IDs (from DEFAULT_FROM_EMAIL). */
  messageIdDomain: string;
  /** Strings that must never reach a log or `last_error` (the SMTP password). */
  secrets: (string | null)[];
}

/**
 * Email through `mailer`. The idempotency key becomes the Message-ID, so a resend after a crash
 * can be collapsed by a mail client. An SMTP transaction under way is not aborted by the signal
 * (the transport's timeouts bound it), so stopping never leaves a half-sent message.
 */
export function emailChannel(o: EmailChannelOptions): AlertChannel {
  return {
    kind: EMAIL_CHANNEL,
    validateTarget: (target) =>
      isEmailAddress(target) ? null : `Not a valid email address: ${target}`,
    buildMessage: buildAlertMessage,
    async send(message, target, { idempotencyKey }) {
      const info = await o.mailer.send({
        to: target,
        ...message,
        messageId: `<${idempotencyKey}@${o.messageIdDomain}>`,
      });
      return { response: info.response };
    },
    classifyError(err) {
      const f = describeSmtpError(err, o.secrets);
      return {
        class: f.permanent ? "permanent" : f.serverLevel ? "server" : "retry",
        message: f.message,
      };
    },
  };
}
