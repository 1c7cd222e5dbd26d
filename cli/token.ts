/** `deno task token --name NAME`: creates an API token and prints it as the last line. */
import { Accounts } from "../monitor/auth/accounts.ts";
import { ValidationError } from "../monitor/errors.ts";
import { openConfiguredStore, parseFlags } from "./args.ts";

const USAGE = "Usage: deno task token --name NAME";
const flags = parseFlags({ name: { type: "string" }, help: { type: "boolean" } }, USAGE);
if (typeof flags.name !== "string") {
  console.error(`Error: --name is required.\n${USAGE}`);
  Deno.exit(2);
}

const { store } = await openConfiguredStore();
try {
  const { token, info } = await new Accounts(store).createToken(flags.name);
  console.error(`API token "${info.name}" created. It is shown only once; store it safely:`);
  console.log(token);
} catch (err) {
  if (!(err instanceof ValidationError)) throw err;
  console.error(`Error: ${Object.values(err.fields).join("; ")}`);
  Deno.exit(1);
} finally {
  await store.close();
}
