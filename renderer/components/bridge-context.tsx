import { createContext, useContext } from 'react';
import type { Bridge } from '../bridge/index.ts';

export const BridgeContext = createContext<Bridge | null>(null);

/** The bridge, for components that call the core directly (one-off reads that no slice keeps). */
export function useBridge(): Bridge {
  const bridge = useContext(BridgeContext);
  if (!bridge) throw new Error('useBridge outside the BridgeContext');
  return bridge;
}
