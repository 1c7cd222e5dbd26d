/**
 * `deno task sendtestemail --to ADDR`: sends one email through the configured SMTP server and
 * prints the server's answer, or its exact error (wrong password, TLS mismatch, refused…).
 * Exit codes: 0 sent, 1 the server refused or could not be reached, 2 bad usage or config.
 */
import { ConfigError, isEmailAddress, loadConfig } from "../monitor/config.ts";
import { readEnv } from "../monitor/env.ts";
import { createMailer, describeSmtpError, sendTestEmail, tlsMode } from "../monitor/alerts/smtp.ts";
import { parseFlags } from "./args.ts";

const USAGE = `Usage: deno task sendtestemail --to ADDR
Sends a test email using EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
EMAIL_USE_TLS, EMAIL_USE_SSL and DEFAULT_FROM_EMAIL (environment or .env).`;

const flags = parseFlags({ to: { type: "string" }, help: { type: "boolean" } }, USAGE);
const to = typeof flags.to === "string" ? flags.to.trim() : "";
if (!isEmailAddress(to)) {
  console.error(`Error: --to needs an email address, received "${flags.to ?? ""}".\n${USAGE}`);
  Deno.exit(2);
}

let email;
try {
  email = loadConfig(readEnv()).email;
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  Deno.exit(2);
}
if (!email.host) {
  console.error("Error: EMAIL_HOST is not set, so alerts are disabled. Set it in .env first.");
  Deno.exit(2);
}

const mode = tlsMode(email);
const who = email.user ? ` as ${email.user}` : " without AUTH";
console.error(`Sending to ${to} via ${email.host}:${email.port} (${mode})${who}…`);
const mailer = createMailer(email);
try {
  const info = await sendTestEmail(mailer, email, to);
  console.log(`Sent. The server answered: ${info.response}`);
} catch (err) {
  console.error(`Error: ${describeSmtpError(err, [email.password]).message}`);
  Deno.exitCode = 1;
} finally {
  mailer.close();
}
