/**
 * AWS's published on-demand prices for what an operation consumes: Lambda (arm64, the phase
 * functions' architecture) duration and requests, and Step Functions Standard state transitions.
 * First-tier prices, without free tiers or Savings Plans, so a figure is what the usage costs
 * once an account is past its free allowance.
 *
 * Sources, read 2026-11-30:
 * - https://aws.amazon.com/lambda/pricing/ (Arm price, first 7.5 billion GB-seconds per month; requests)
 * - https://aws.amazon.com/step-functions/pricing/ (Standard Workflows, price per 1,000 state transitions)
 */
export const pricesReadOn = '2026-11-30';
export const priceSources = ['https://aws.amazon.com/lambda/pricing/', 'https://aws.amazon.com/step-functions/pricing/'] as const;

export interface RegionPrices {
  /** USD per GB-second of arm64 Lambda duration. */
  lambdaArmGbSecond: number;
  /** USD per Lambda request. */
  lambdaRequest: number;
  /** USD per Standard Workflows state transition. */
  stateTransition: number;
}

const armGbSecond = 0.0000133334;
const request = 0.2 / 1_000_000;

export const pricesByRegion = {
  'us-east-1': { lambdaArmGbSecond: armGbSecond, lambdaRequest: request, stateTransition: 0.025 / 1000 },
  'us-east-2': { lambdaArmGbSecond: armGbSecond, lambdaRequest: request, stateTransition: 0.025 / 1000 },
  'us-west-2': { lambdaArmGbSecond: armGbSecond, lambdaRequest: request, stateTransition: 0.025 / 1000 },
  'eu-west-1': { lambdaArmGbSecond: armGbSecond, lambdaRequest: request, stateTransition: 0.025 / 1000 },
  'eu-central-1': { lambdaArmGbSecond: armGbSecond, lambdaRequest: request, stateTransition: 0.025 / 1000 },
  'ap-northeast-1': { lambdaArmGbSecond: armGbSecond, lambdaRequest: request, stateTransition: 0.025 / 1000 },
} as const satisfies Record<string, RegionPrices>;

export type PricingRegion = keyof typeof pricesByRegion;
export const defaultPricingRegion: PricingRegion = 'us-east-1';
export const pricingRegions = Object.keys(pricesByRegion) as PricingRegion[];

/** The prices of a region; an unknown region is a configuration error, not a guess. */
export function pricesFor(region: string | undefined): RegionPrices {
  const name = region === undefined || region === '' ? defaultPricingRegion : region;
  if (!(name in pricesByRegion)) throw new Error(`No prices for region ${name}; known: ${pricingRegions.join(', ')}`);
  return pricesByRegion[name as PricingRegion];
}

/** What a run consumes, in the units AWS bills. */
export interface Usage {
  /** Lambda duration: billed milliseconds × the function's memory in GB, over 1000. */
  gbSeconds: number;
  lambdaRequests: number;
  stateTransitions: number;
}

export const costOf = (usage: Usage, prices: RegionPrices): number =>
  usage.gbSeconds * prices.lambdaArmGbSecond + usage.lambdaRequests * prices.lambdaRequest + usage.stateTransitions * prices.stateTransition;

/** Lambda bills duration rounded up to the millisecond. */
export const billedMs = (durationMs: number): number => Math.ceil(durationMs);

/** Dollars with four significant digits: a run costs fractions of a cent, which two decimals would show as $0.00. */
export const formatUsd = (usd: number): string => `$${usd === 0 ? '0' : usd.toPrecision(4)}`;
