import { z } from 'zod';

// The pages' CSP has no 'unsafe-eval'. Zod probes for eval (`new Function('')`) before compiling
// its fast object parsers; in a browser that probe is reported as a CSP violation, so browsers
// use zod's eval-free parsers from the start. The server keeps the compiled ones. Imported for
// its effect by the protocol files a page may load first (roomId.ts, roomStatus.ts).
if (typeof window !== 'undefined') z.config({ jitless: true });
