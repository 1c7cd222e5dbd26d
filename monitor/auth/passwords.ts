/** Password hashing with argon2id (hash-wasm: pure WASM, no permissions, works compiled). */
import { argon2id, argon2Verify } from "hash-wasm";

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane (~70 ms here).
const PARAMS = { parallelism: 1, iterations: 2, memorySize: 19_456, hashLength: 32 };

/** Hashes a password into a PHC string (`$argon2id$v=19$…`). */
export function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return argon2id({ ...PARAMS, password, salt, outputType: "encoded" });
}

/** Whether `password` matches the PHC `hash`. Malformed hashes never match. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  try {
    return await argon2Verify({ password, hash });
  } catch {
    return false;
  }
}

/** Why a password is too weak, or null when it is acceptable. */
export function passwordProblem(password: string, username = ""): string | null {
  if (password.length < 10) return "Password must be at least 10 characters";
  if (password.length > 1024) return "Password must be at most 1024 characters";
  if (username && password.toLowerCase().includes(username.toLowerCase())) {
    return "Password must not contain the user name";
  }
  if (new Set(password).size < 5) return "Password is too repetitive";
  return null;
}
