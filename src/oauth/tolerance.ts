/** ID token time checks tolerate this much disagreement between this machine's clock and the provider's. */
export const clockToleranceSeconds = 300;
