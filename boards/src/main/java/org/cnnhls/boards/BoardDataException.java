package org.cnnhls.boards;

/**
 * A board data file (or the board index) could not be read, parsed or validated. The message is
 * one line and starts with the file it concerns.
 */
public final class BoardDataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String source;

  public BoardDataException(String source, String problem) {
    this(source, problem, null);
  }

  public BoardDataException(String source, String problem, Throwable cause) {
    super("board data file '" + source + "': " + problem, cause);
    this.source = source;
  }

  /** The file (classpath resource or filesystem path) the problem is in. */
  public String source() {
    return source;
  }
}
