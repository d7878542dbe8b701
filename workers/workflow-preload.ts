/**
 * Loaded once per workflow thread, before any workflow runs (the bundle's `preloadModules`, see
 * workers/bundle.ts), so every cached run shares ONE copy of zod instead of evaluating it again:
 * the SDK gives each run its own module cache, and zod's module scope is most of a run's memory.
 * zod keeps no per-run state at module scope (schemas are built by the runs' own domain modules).
 */
import { z } from 'zod';

// The SDK deep-freezes preloaded modules; zod computes some module-level values on first use
// (whether `new Function` is allowed, for its parser fast path), so use it once before the freeze.
z.object({ warm: z.string() }).safeParse({ warm: 'up' });

export const sharedZod = z;
