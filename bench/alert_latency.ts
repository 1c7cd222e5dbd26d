/**
 * Detection-to-delivery latency of alert emails with the real runtime (scheduler, Deno.cron,
 * recorder, outbox, sender, nodemailer over STARTTLS + AUTH to a local SMTP server).
 *
 * A monitor with a 10 s interval and threshold 1 watches a local target; the target goes down
 * at a random moment, and we time outage start → DOWN email received, split into detection
 * (outage start → DOWN recorded) and delivery (recorded → received). Then the same for recovery.
 *
 *   deno run -A bench/alert_latency.ts [outages=6]
 */
import { loadConfig } from "../monitor/config.ts";
import { createRuntime } from "../runtime.ts";
import { setLogLevel } from "../monitor/log.ts";
import { startSmtpServer } from "../tests/_helpers/smtp.ts";
import { startTarget } from "../tests/_helpers/targets.ts";

setLogLevel("warn");
const OUTAGES = Number(Deno.args[0] ?? 6);
const INTERVAL_S = 10;

const dir = await Deno.makeTempDir({ prefix: "shc-bench-alerts-" });
const smtp = await startSmtpServer();
let status = 200;
const target = await startTarget(() => new Response("ok", { status }));
const base = loadConfig({ DATABASE_PATH: `${dir}/health.db`, BASE_URL: "http://dash.test" });
const rt = await createRuntime({ ...base, email: smtp.emailConfig() }, {
  alerts: { smtp: smtp.smtpOptions }, // production timings otherwise
});
await rt.service.create({
  name: "Bench target",
  url: target.url,
  interval_s: INTERVAL_S,
  timeout_ms: 2000,
  failure_threshold: 1,
  alert_emails: ["oncall@example.test"],
  recovery_emails: ["oncall@example.test"],
});
const recorded: { kind: string; at: number }[] = [];
rt.service.recorder.onRecorded((e) => {
  if (e.transition) recorded.push({ kind: e.transition.kind, at: Date.now() });
});
rt.start();

async function waitMail(n: number): Promise<number> {
  const deadline = Date.now() + (INTERVAL_S + 30) * 1000;
  while (smtp.messages.length < n) {
    if (Date.now() > deadline) throw new Error(`no email #${n} within the deadline`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return smtp.messages[n - 1].receivedAt;
}

type Sample = { detect: number; deliver: number; total: number };
const down: Sample[] = [];
const up: Sample[] = [];
try {
  // Let the first (UP) check happen, then flip at random points of the interval.
  await new Promise((r) => setTimeout(r, 1500));
  for (let i = 0; i < OUTAGES; i++) {
    for (const [kind, code, samples] of [["down", 503, down], ["recovered", 200, up]] as const) {
      await new Promise((r) => setTimeout(r, Math.random() * INTERVAL_S * 1000));
      const before = recorded.length;
      const flippedAt = Date.now();
      status = code;
      const received = await waitMail(smtp.messages.length + 1);
      const rec = recorded.slice(before).find((r) => r.kind === kind)!;
      samples.push({
        detect: rec.at - flippedAt,
        deliver: received - rec.at,
        total: received - flippedAt,
      });
      console.error(`${kind.padEnd(9)} #${i + 1}: ${received - flippedAt} ms`);
    }
  }
} finally {
  await rt.stop();
  await target.close();
  await smtp.close();
  await Deno.remove(dir, { recursive: true });
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `min ${s[0]} / median ${q(0.5)} / max ${s.at(-1)} ms`;
};
console.log(`\nAlert latency, interval ${INTERVAL_S} s, threshold 1, ${OUTAGES} outages:`);
for (const [name, xs] of [["DOWN", down], ["RECOVERED", up]] as const) {
  console.log(`${name}`);
  console.log(`  outage start → email received: ${stats(xs.map((x) => x.total))}`);
  console.log(`    detection (→ recorded):      ${stats(xs.map((x) => x.detect))}`);
  console.log(`    delivery (recorded → SMTP):  ${stats(xs.map((x) => x.deliver))}`);
}
