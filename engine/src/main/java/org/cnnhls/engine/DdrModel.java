package org.cnnhls.engine;

/**
 * DDR as seen from the engine's m_axi ports: a transfer of n bytes costs a fixed access latency
 * plus its beats, where a beat moves min(AXI width, the board's usable DDR bandwidth per cycle)
 * bytes; bursts longer than 256 beats are split (AXI4), each split costing a little issue time.
 * Reads and writes share the one DDR ({@code sharedBytesPerCycle}, the board's usable bandwidth
 * per fabric cycle), so concurrent transfers take at least their total bytes at that rate.
 */
public record DdrModel(double bytesPerCycle, int accessLatency, int burstBeats, int burstIssueCycles, int axiBytes,
    double sharedBytesPerCycle) {

  /** Cycles from the first request to the first beat, at the fabric clock (LPDDR4 ~ 150 ns). */
  public static final double ACCESS_NS = 150;

  public static DdrModel of(HardwareConfig hw) {
    double ddrBytesPerCycle = hw.board().usableDdrBytesPerSecond() / (hw.clockMHz() * 1e6);
    int axiBytes = hw.axiDataWidth() / 8;
    int latency = (int) Math.ceil(ACCESS_NS * hw.clockMHz() / 1000.0);
    return new DdrModel(Math.min(axiBytes, ddrBytesPerCycle), latency, 256, 2, axiBytes, ddrBytesPerCycle);
  }

  /** Cycles for one transfer of {@code bytes} (0 for none). */
  public long transfer(long bytes) {
    if (bytes <= 0) return 0;
    long beats = (bytes + axiBytes - 1) / axiBytes;
    long bursts = (beats + burstBeats - 1) / burstBeats;
    return accessLatency + (long) Math.ceil(bytes / bytesPerCycle) + (bursts - 1) * burstIssueCycles;
  }
}
