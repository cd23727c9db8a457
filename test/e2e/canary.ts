export const CANARY = "canary-Zq8v3KxP";
