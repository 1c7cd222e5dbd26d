import assert from "node:assert/strict";
import { REPO_ROOT, tempDir } from "../_helpers/core.ts";
import { startSmtpServer } from "../_helpers/smtp.ts";

/** Exactly the permissions of the `sendtestemail` task in deno.json. */
const TASK_FLAGS = [
  "--allow-net",
  "--allow-env",
  "--allow-read=.env",
  "--allow-sys=hostname,networkInterfaces",
];

/** Runs cli/sendtestemail.ts in an empty directory with only `env` (plus PATH/HOME/DENO_DIR). */
async function sendtestemail(env: Record<string, string>, args: string[]) {
  await using dir = await tempDir();
  const keep = Object.fromEntries(
    ["PATH", "HOME", "DENO_DIR"].flatMap((k) => {
      const v = Deno.env.get(k);
      return v === undefined ? [] : [[k, v]];
    }),
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      `--config=${new URL("deno.json", REPO_ROOT).pathname}`,
      ...TASK_FLAGS,
      new URL("cli/sendtestemail.ts", REPO_ROOT).pathname,
      ...args,
    ],
    cwd: dir.path,
    clearEnv: true,
    env: { ...keep, NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("deno task sendtestemail: sends over STARTTLS with the task's permissions", async () => {
  await using smtp = await startSmtpServer();
  await using dir = await tempDir();
  // A private CA is trusted the Deno way: DENO_CERT (also works for the server).
  await Deno.writeTextFile(`${dir.path}/ca.pem`, smtp.cert);
  const env = {
    EMAIL_HOST: "localhost", // a name, so the DNS path (and its permissions) is exercised
    EMAIL_PORT: String(smtp.port),
    EMAIL_USE_TLS: "true",
    EMAIL_HOST_USER: smtp.user,
    EMAIL_HOST_PASSWORD: smtp.pass,
    DENO_CERT: `${dir.path}/ca.pem`,
  };
  const ok = await sendtestemail(env, ["--to", "me@example.test"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^Sent\. The server answered: 250 OK: message queued/);
  const [mail] = await smtp.waitForMessages(1);
  assert.equal(mail.secure, true);
  assert.deepEqual(mail.to, ["me@example.test"]);

  const wrong = await sendtestemail({ ...env, EMAIL_HOST_PASSWORD: "nope-nope" }, [
    "--to",
    "me@example.test",
  ]);
  assert.equal(wrong.code, 1);
  assert.match(
    wrong.stderr,
    /Error: Invalid login: 535 Invalid username or password \(EAUTH, AUTH PLAIN\)/,
  );
  assert.ok(!wrong.stderr.includes("nope-nope"));
});

Deno.test("deno task sendtestemail: usage and configuration errors exit 2", async () => {
  const noHost = await sendtestemail({}, ["--to", "me@example.test"]);
  assert.equal(noHost.code, 2);
  assert.match(noHost.stderr, /EMAIL_HOST is not set/);
  const badTo = await sendtestemail({ EMAIL_HOST: "127.0.0.1" }, ["--to", "nope"]);
  assert.equal(badTo.code, 2);
  assert.match(badTo.stderr, /--to needs an email address/);
});
