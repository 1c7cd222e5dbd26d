/**
 * Every notification channel kind by name, and the checks the API runs on a channel's
 * settings before it is stored.
 */
import { isSecretField, maskConfig as maskKindConfig, maskSecret } from "./common.ts";
import { discord } from "./discord.ts";
import { gotify } from "./gotify.ts";
import { matrix } from "./matrix.ts";
import { ntfy } from "./ntfy.ts";
import { pagerduty } from "./pagerduty.ts";
import { pushover } from "./pushover.ts";
import { slack } from "./slack.ts";
import type { ChannelKind } from "./spec.ts";
import { teams } from "./teams.ts";
import { telegram } from "./telegram.ts";
import { webhook } from "./webhook.ts";

export type { ChannelField, ChannelKind, HttpAnswer, HttpRequest } from "./spec.ts";
export { restoreMasked, secretsOf, TEST_MONITOR_NAME, testFacts } from "./common.ts";

/** All kinds, in the order the settings page offers them. */
export const CHANNEL_KINDS: ReadonlyMap<string, ChannelKind> = new Map(
  [webhook, slack, discord, telegram, teams, ntfy, gotify, pushover, pagerduty, matrix].map(
    (k) => [k.kind, k],
  ),
);

/** The kind named `kind`, or undefined. */
export function channelKind(kind: string): ChannelKind | undefined {
  return CHANNEL_KINDS.get(kind);
}

/** `config` with every value trimmed (the shape `ChannelKind.validate` expects). */
export function trimConfig(config: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) out[k] = typeof v === "string" ? v.trim() : v;
  return out;
}

/**
 * Field errors of a channel's settings, by field name, or null when they are usable: an
 * unknown kind (under `kind`), settings the kind does not have, values that are not strings,
 * then the kind's own checks (required fields, URL shapes, token formats). Values are trimmed
 * first. Messages never quote a value.
 */
export function validateChannelConfig(
  kind: string,
  config: Record<string, unknown>,
): Record<string, string> | null {
  const k = CHANNEL_KINDS.get(kind);
  if (!k) {
    return {
      kind: `Unknown channel kind. Choose one of: ${[...CHANNEL_KINDS.keys()].join(", ")}.`,
    };
  }
  const errors: Record<string, string> = {};
  const known = new Set(k.fields.map((f) => f.name));
  const strings: Record<string, string> = {};
  for (const [name, value] of Object.entries(config)) {
    if (!known.has(name)) errors[name] = `${k.label} has no setting "${name}".`;
    else if (typeof value !== "string") errors[name] = "Must be a string.";
    else strings[name] = value.trim();
  }
  for (const [name, message] of Object.entries(k.validate(strings) ?? {})) errors[name] ??= message;
  return Object.keys(errors).length ? errors : null;
}

/**
 * `config` as the settings form and the API show it: secrets masked (`••••1a2b`, secret URLs
 * as `https://host/•••`). For a kind that no longer exists every value is masked.
 */
export function maskConfig(
  kind: string | ChannelKind,
  config: Record<string, string>,
): Record<string, string> {
  const k = typeof kind === "string" ? CHANNEL_KINDS.get(kind) : kind;
  if (k) return maskKindConfig(k, config);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(config)) out[name] = maskSecret(value);
  return out;
}

/** Names of the settings of `kind` that are secrets (masked, never logged). */
export function secretFieldNames(kind: string): string[] {
  return (CHANNEL_KINDS.get(kind)?.fields ?? []).filter(isSecretField).map((f) => f.name);
}
