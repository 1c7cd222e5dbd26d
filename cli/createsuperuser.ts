/** `deno task createsuperuser`: creates a dashboard administrator. */
import { Accounts } from "../monitor/auth/accounts.ts";
import { ValidationError } from "../monitor/errors.ts";
import { openConfiguredStore, parseFlags, promptHidden } from "./args.ts";

const USAGE = `Usage: deno task createsuperuser [--username NAME --password PASS] [--email ADDR]
Without flags it asks for each value interactively.`;

const flags = parseFlags({
  username: { type: "string" },
  password: { type: "string" },
  email: { type: "string" },
  help: { type: "boolean" },
}, USAGE);

const { store } = await openConfiguredStore();
const accounts = new Accounts(store);

let username = flags.username as string | undefined;
let password = flags.password as string | undefined;
let email = flags.email as string | undefined;
if (username === undefined) username = prompt("Username:") ?? "";
if (email === undefined && flags.username === undefined) {
  email = prompt("Email address (optional):") ?? "";
}
if (password === undefined) {
  password = await promptHidden("Password:");
  const again = await promptHidden("Password (again):");
  if (again !== password) {
    console.error("Error: the two passwords differ; nothing was created.");
    Deno.exit(1);
  }
}

try {
  const user = await accounts.createUser({ username, password, email: email || null });
  console.log(`Superuser "${user.username}" created.`);
} catch (err) {
  if (!(err instanceof ValidationError)) throw err;
  for (const message of Object.values(err.fields)) console.error(`Error: ${message}`);
  Deno.exit(1);
} finally {
  await store.close();
}
