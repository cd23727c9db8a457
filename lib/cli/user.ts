// User administration from the command line (the first admin is created here):
//   npm run user -- add NAME --role admin [--random]   password from a prompt or stdin, or generated
//   npm run user -- set-role NAME ROLE [--server ID]   with --server: ROLE "none" hides the server
//                                                       from NAME, "default" drops the override
//   npm run user -- disable NAME | enable NAME | passwd NAME | list
import { register } from "node:module";
import readline from "node:readline";

// The store modules are marked server-only (a guard for browser bundles that throws outside
// React's server build); a CLI is server side, so the marker resolves to an empty module here.
register(
  "data:text/javascript," +
    encodeURIComponent(
      `export async function resolve(s, c, next) {
         if (s === "server-only") return { url: "data:text/javascript,export {}", shortCircuit: true };
         return next(s, c);
       }`,
    ),
);

const USAGE = `usage: npm run user -- <command>
  add NAME --role viewer|operator|admin [--random]
  set-role NAME viewer|operator|admin                  the default role on every server
  set-role NAME viewer|operator|admin|none --server ID  on one server ("none": hidden from NAME)
  set-role NAME default --server ID                     back to the default role on that server
  disable NAME | enable NAME | passwd NAME | list`;

const VALUE_FLAGS = new Set(["--role", "--server"]);

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The arguments that are not flags nor flag values, in order (flags may come anywhere). */
function positional(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (VALUE_FLAGS.has(args[i]!)) i++;
    else if (!args[i]!.startsWith("--")) out.push(args[i]!);
  }
  return out;
}

async function readHidden(prompt: string): Promise<string> {
  process.stdout.write(prompt);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let value = "";
    const onData = (ch: string) => {
      for (const c of ch) {
        if (c === "\r" || c === "\n") {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off("data", onData);
          process.stdout.write("\n");
          return resolve(value);
        }
        if (c === "\u0003") return reject(new Error("cancelled"));
        if (c === "\u007f") value = value.slice(0, -1);
        else value += c;
      }
    };
    stdin.on("data", onData);
  });
}

/** From a prompt (typed twice, not echoed) on a terminal, else the first line of stdin. */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    const a = await readHidden("New password: ");
    const b = await readHidden("Repeat it: ");
    if (a !== b) throw new Error("The passwords differ.");
    return a;
  }
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  throw new Error("No password on stdin.");
}

async function main(argv: string[]): Promise<number> {
  const { isRole, isServerRole } = await import("../auth/permissions");
  const users = await import("../store/users");
  const { auditEvent } = await import("../store/audit");
  const { closeStore } = await import("../store/db");
  const [command, name, roleArg] = positional(argv);
  const audit = (action: string, params: Record<string, unknown>) =>
    auditEvent({ user: null, role: null, action, params, client: "cli" }, "ok");
  try {
    switch (command) {
      case "add": {
        const role = flag(argv, "--role") ?? "viewer";
        if (!name || !isRole(role)) throw new users.UserError(USAGE);
        if (argv.includes("--random")) {
          const created = await users.createUserWithRandomPassword(name, role);
          console.log(`Created ${created.name} (${role}). Password: ${created.password}`);
        } else {
          await users.createUser(name, await readPassword(), role);
          console.log(`Created ${name} (${role}).`);
        }
        await audit("user_add", { user: name, role });
        return 0;
      }
      case "set-role": {
        const role = roleArg;
        const server = flag(argv, "--server");
        const valid = server ? isServerRole(role) || role === "default" : isRole(role);
        if (!name || !role || !valid) throw new users.UserError(USAGE);
        if (server) {
          // A typo would otherwise hide nothing (or grant on a server that does not exist) silently.
          const { findPgbouncer, findServer } = await import("../config/servers");
          let known = true;
          try {
            known = !!findServer(server) || !!findPgbouncer(server);
          } catch {
            // no server registry in this shell's environment: nothing to compare with
          }
          if (!known) console.warn(`Note: no server or PgBouncer with id "${server}" is configured (yet); the role is stored anyway.`);
        }
        await users.setRole(name, isServerRole(role) ? role : null, server);
        console.log(server ? `${name} on ${server}: ${role === "none" ? "none (the server is hidden from them)" : role}` : `${name}: default role ${role}`);
        await audit("user_set_role", { user: name, role, server: server ?? null });
        return 0;
      }
      case "disable":
      case "enable": {
        if (!name) throw new users.UserError(USAGE);
        await users.setDisabled(name, command === "disable");
        console.log(`${name} ${command}d${command === "disable" ? "; every session ended" : ""}.`);
        await audit(`user_${command}`, { user: name });
        return 0;
      }
      case "passwd": {
        const user = name ? await users.findUser(name) : undefined;
        if (!user) throw new users.UserError(name ? `No user named ${name}.` : USAGE);
        await users.setPassword(user.id, user.name, await readPassword());
        console.log(`Password of ${user.name} changed; every session ended.`);
        await audit("user_passwd", { user: user.name });
        return 0;
      }
      case "list": {
        for (const u of await users.listUsers()) {
          const overrides = Object.entries(u.overrides).map(([s, r]) => `${s}=${r}`).join(" ");
          console.log(`${u.name}\t${u.defaultRole}${u.disabled ? "\tdisabled" : ""}${overrides ? `\t${overrides}` : ""}`);
        }
        return 0;
      }
      default:
        console.error(USAGE);
        return 2;
    }
  } catch (err) {
    if (err instanceof users.UserError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  } finally {
    await closeStore();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    // Class and message only: connection errors can carry the store URL, never printed.
    console.error(`pgwarden user: ${(err as Error).name}: ${String((err as Error).message).replace(/postgres(ql)?:\/\/\S+/g, "<url>")}`);
    process.exit(1);
  },
);
