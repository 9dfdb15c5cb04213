import { averageSpeedOfAnswer, erlangB, erlangC, requiredAgents, serviceLevel, trafficIntensity, withShrinkage } from '../../../src/domain/staffing/erlang-c';

/**
 * Erlang C against vectors checked outside this code. "Independent" figures were computed with a
 * separate Python 3 program that sums the textbook formula directly with 60-digit decimals
 * (Σ A^k/k! for k < N and A^N/N! · N/(N − A); no recursion), not with this module's algorithm.
 */
describe('Erlang C (src/domain/staffing/erlang-c.ts)', () => {
  describe('issue 19: "1,000 calls/h, 120 s AHT, 80 % in 20 s → 40 agents; 58 with 30 % shrinkage"', () => {
    // The numbers are off. Erlang C gives 38 agents (service level 84.68 %; 37 agents reach
    // only 76.56 %), and 38 / (1 − 0.30) = 54.29 → 55 scheduled. 40 agents do meet the target
    // (93.72 %) but are not the fewest; 58 is 40 / 0.7 rounded up. Checked independently (Python).
    const input = { arrivals: 1000, intervalSeconds: 3600, ahtSeconds: 120, serviceLevel: { target: 0.8, withinSeconds: 20 } };

    it('needs 38 agents, not 40: 37 miss 80 % in 20 s and 38 meet it', () => {
      const r = requiredAgents(input);
      expect(r.trafficErlangs).toBeCloseTo(33.3333, 4);
      expect(r.agents).toBe(38);
      expect(r.serviceLevel).toBeCloseTo(0.8468, 4);
      expect(serviceLevel(r.trafficErlangs, 37, 120, 20)).toBeCloseTo(0.7656, 4);
      expect(r.probabilityOfWaiting).toBeCloseTo(0.33345, 5);
      expect(r.averageSpeedOfAnswerSeconds).toBeCloseTo(8.574, 3);
      // The 40 over-staffs: it already reaches 93.7 %.
      expect(serviceLevel(r.trafficErlangs, 40, 120, 20)).toBeCloseTo(0.9372, 4);
    });

    it('"58 with 30 % shrinkage" is 40 / 0.7; the 38 agents Erlang C needs schedule as 55', () => {
      expect(withShrinkage(38, 0.3)).toBe(55);
      expect(withShrinkage(40, 0.3)).toBe(58);
    });
  });

  describe('Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example": 100 calls per 30 minutes, AHT 180 s, 80 % in 20 s, 30 % shrinkage', () => {
    // Published result: 10 Erlangs, 14 agents (service level ≈ 89 %), 20 agents after shrinkage.
    const input = { arrivals: 100, intervalSeconds: 1800, ahtSeconds: 180, serviceLevel: { target: 0.8, withinSeconds: 20 } };

    it('10 Erlangs need 14 agents (13 reach 79.6 %, just short), 20 with 30 % shrinkage', () => {
      const r = requiredAgents(input);
      expect(r.trafficErlangs).toBe(10);
      expect(r.agents).toBe(14);
      expect(r.serviceLevel).toBeCloseTo(0.8884, 4);
      expect(serviceLevel(10, 13, 180, 20)).toBeCloseTo(0.7956, 4);
      expect(r.probabilityOfWaiting).toBeCloseTo(0.1741, 4);
      expect(r.averageSpeedOfAnswerSeconds).toBeCloseTo(7.836, 3);
      expect(r.occupancy).toBeCloseTo(0.7143, 4);
      // 14 / 0.7 is 20.000000000000004 in floating point: still 20, not 21.
      expect(withShrinkage(r.agents, 0.3)).toBe(20);
    });
  });

  describe("Westbay Engineers' Erlang C worked example: 360 calls per half hour, 4-minute calls, 55 agents, 15 s target", () => {
    // Inputs from the worked example (erlang.com, "The Erlang-C formula"); the figures were computed independently (Python).
    const traffic = trafficIntensity(360, 1800, 240);

    it('48 Erlangs; with 55 agents P(wait) 23.87 %, ASA 8.18 s, 84.59 % answered within 15 s', () => {
      expect(traffic).toBe(48);
      expect(erlangC(traffic, 55)).toBeCloseTo(0.23870, 5);
      expect(averageSpeedOfAnswer(traffic, 55, 240)).toBeCloseTo(8.184, 3);
      expect(serviceLevel(traffic, 55, 240, 15)).toBeCloseTo(0.84588, 5);
    });
  });

  it('stays exact for a thousand agents, where factorials overflow a double (1,000 Erlangs: 1,015 agents for 80 % in 20 s)', () => {
    // 12,000 calls/h × 300 s: independent 60-digit computation gives P(wait) 0.527625 at 1,015 agents,
    // and service levels 0.80590 (1,015) and 0.78277 (1,014).
    const r = requiredAgents({ arrivals: 12_000, intervalSeconds: 3600, ahtSeconds: 300, serviceLevel: { target: 0.8, withinSeconds: 20 } });
    expect(r.agents).toBe(1015);
    expect(r.probabilityOfWaiting).toBeCloseTo(0.527625, 6);
    expect(serviceLevel(1000, 1014, 300, 20)).toBeCloseTo(0.78277, 5);
    expect(Number.isFinite(erlangB(1000, 1015))).toBe(true);
  });

  it('needs nobody when nothing arrives, and everybody waits when agents cannot keep up (N ≤ A)', () => {
    expect(requiredAgents({ arrivals: 0, intervalSeconds: 1800, ahtSeconds: 300, serviceLevel: { target: 0.8, withinSeconds: 60 } })).toMatchObject({ agents: 0, serviceLevel: 1 });
    expect(withShrinkage(0, 0.3)).toBe(0);
    expect(erlangC(5, 5)).toBe(1);
    expect(serviceLevel(5, 4, 300, 60)).toBe(0);
    expect(averageSpeedOfAnswer(5, 5, 300)).toBe(Infinity);
  });

  it('Erlang B matches its closed form on a small case (A = 2, N = 3: (8/6) / (1 + 2 + 2 + 8/6) = 4/19)', () => {
    expect(erlangB(2, 3)).toBeCloseTo(4 / 19, 12);
  });

  it('refuses inputs that are not a staffing question', () => {
    expect(() => withShrinkage(10, 1)).toThrow(RangeError);
    expect(() => withShrinkage(10, -0.1)).toThrow(RangeError);
    expect(() => erlangC(3, 2.5)).toThrow(RangeError);
    expect(() => requiredAgents({ arrivals: 10, intervalSeconds: 1800, ahtSeconds: 300, serviceLevel: { target: 1, withinSeconds: 60 } })).toThrow(RangeError);
  });
});
