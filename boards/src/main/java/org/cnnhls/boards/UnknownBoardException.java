package org.cnnhls.boards;

import java.util.List;

/** Thrown by {@link BoardCatalog#byName} for a name that is neither a board name nor an alias. */
public final class UnknownBoardException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String requested;
  private final List<String> known;

  /**
   * @param requested the name asked for
   * @param known display names of all boards, e.g. {@code ultra96v2 (ultra96)}, in catalog order
   */
  public UnknownBoardException(String requested, List<String> known) {
    super("unknown board '" + requested + "'; known boards: " + String.join(", ", known));
    this.requested = requested;
    this.known = List.copyOf(known);
  }

  /** The name that was asked for. */
  public String requested() {
    return requested;
  }

  /** Display names of the known boards, e.g. {@code ultra96v2 (ultra96)}. */
  public List<String> known() {
    return known;
  }
}
