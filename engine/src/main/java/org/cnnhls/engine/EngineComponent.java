package org.cnnhls.engine;



/** The cost model of one engine component (conv engine, FC streamer, vector unit, pooling unit). */
public interface EngineComponent {
  /** Timing of one descriptor on this component; {@code actBytes}/{@code wgtBytes} are storage sizes. */
  LayerTiming time(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, int actBytes, int wgtBytes);

  /** As above, for components whose tiling depends on the buffer limits the engine is built with. */
  default LayerTiming time(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, int actBytes, int wgtBytes,
      org.cnnhls.engine.EngineLimits limits) {
    return time(node, d, hw, ddr, actBytes, wgtBytes);
  }

  /** Cycles to fetch a descriptor and start the engine, and to drain it at the end of a layer. */
  int LAYER_OVERHEAD = org.cnnhls.engine.EngineLatencies.LAYER_OVERHEAD;
}
