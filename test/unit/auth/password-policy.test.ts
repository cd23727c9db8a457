// Issue 8, item 9: at least 12 characters, not whitespace only, not one repeated character, not
// the user name, not one of the most common passwords.
import { describe, expect, test } from "vitest";
import { passwordProblem } from "@/lib/auth/password";

describe("password policy", () => {
  test("refuses what the issue names", async () => {
    expect(await passwordProblem("short pw")).toMatch(/at least 12/);
    expect(await passwordProblem(" ".repeat(12))).toMatch(/spaces/);
    expect(await passwordProblem("\t \u00a0".repeat(6))).toMatch(/spaces/);
    expect(await passwordProblem("a".repeat(12))).toMatch(/repeated/);
    expect(await passwordProblem("ééééééééééééé")).toMatch(/repeated/);
    expect(await passwordProblem("oncall-admin", "oncall-admin")).toMatch(/user name/);
    expect(await passwordProblem("ONCALL-ADMIN", "oncall-admin")).toMatch(/user name/);
    // From the common-password list (compared without case).
    for (const common of ["passwordpassword", "qwertyuiop123", "123456789012", "QWERTY123456"]) {
      expect(await passwordProblem(common), common).toMatch(/common/);
    }
  });

  test("accepts a long, unremarkable passphrase", async () => {
    expect(await passwordProblem("violet tractor marmalade 42")).toBeUndefined();
    expect(await passwordProblem("Kf8#mQ2!vL9zR4")).toBeUndefined();
  });

  test("twelve characters means twelve characters, not UTF-16 units", async () => {
    expect(await passwordProblem("🔑".repeat(6) + "abcde")).toMatch(/at least 12/); // 11 characters, 17 units
  });
});
