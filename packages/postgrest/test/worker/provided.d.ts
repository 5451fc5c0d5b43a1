// Values the Workers project's global setup (Node) hands to the tests (workerd).
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    restUrl: string;
    anonKey: string;
  }
}
