// The parts of zod the console uses, re-exported by name. lib/schemas/zod.ts makes them its `z`:
// a namespace of this module rather than zod's own, whose `z.locales` (60 languages) and JSON
// Schema tools Turbopack could not drop — 250 kB of the 392 kB chunk every page loaded before
// its first rows. Add a name here when a schema needs it.
export {
  array,
  boolean,
  coerce,
  config,
  discriminatedUnion,
  enum,
  iso,
  lazy,
  literal,
  NEVER,
  number,
  object,
  preprocess,
  record,
  string,
  union,
  unknown,
  ZodError,
  ZodObject,
  ZodType,
  ZodUndefined,
} from "zod";
export type { core, infer, input } from "zod";
