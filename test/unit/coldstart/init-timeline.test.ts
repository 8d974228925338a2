import { InitTimeline } from '../../../src/coldstart/init-timeline.ts';

describe('the init timeline', () => {
  it('gives phases in start order, parents before the phases that ended inside them', () => {
    // Prepare
    const timeline = new InitTimeline();
    const outer = timeline.reserveId();

    // Act
    timeline.record({ name: 'inner', startTime: 20, endTime: 30, parentId: outer });
    timeline.record({ id: outer, name: 'outer', startTime: 10, endTime: 40 });
    timeline.record({ name: 'earlier', startTime: 5, endTime: 6 });

    // Assess
    expect(timeline.phases().map((phase) => [phase.name, phase.parentId])).toEqual([
      ['earlier', undefined],
      ['outer', undefined],
      ['inner', outer],
    ]);
  });

  it('keeps at most MAX_PHASES phases and counts the rest', () => {
    // Prepare
    const timeline = new InitTimeline();

    // Act
    for (let index = 0; index < InitTimeline.MAX_PHASES + 7; index++) timeline.record({ name: `phase ${index}`, startTime: index, endTime: index + 1 });

    // Assess
    expect(timeline.phases()).toHaveLength(InitTimeline.MAX_PHASES);
    expect(timeline.dropped).toBe(7);
  });
});
