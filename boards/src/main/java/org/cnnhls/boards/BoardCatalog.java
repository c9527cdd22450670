package org.cnnhls.boards;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in boards: one JSON file each under the classpath folder {@code boards/}, listed in
 * {@code boards/index.json} ({@code {"files": ["kv260.json", ...]}}). Loaded once, on first use;
 * every file is strictly parsed (unknown, missing or null fields are errors) and validated, and a
 * bad file fails with a {@link BoardDataException} naming it.
 */
public final class BoardCatalog {
  static final String RESOURCE_DIR = "boards";
  static final String INDEX = "index.json";

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();

  /** The shape of {@code index.json}. */
  record Index(List<String> files) {}

  private static volatile List<Board> boards;

  private BoardCatalog() {}

  /** All built-in boards, sorted by name. Unmodifiable. */
  public static List<Board> all() {
    List<Board> b = boards;
    if (b == null) {
      synchronized (BoardCatalog.class) {
        b = boards;
        if (b == null) {
          b = loadResources(RESOURCE_DIR);
          boards = b;
        }
      }
    }
    return b;
  }

  /**
   * The board whose name or alias is {@code nameOrAlias} (trimmed, case-insensitive).
   *
   * @throws UnknownBoardException if there is none; its message lists every name and alias
   */
  public static Board byName(String nameOrAlias) {
    return find(nameOrAlias).orElseThrow(() -> new UnknownBoardException(
        String.valueOf(nameOrAlias), all().stream().map(Board::displayName).toList()));
  }

  /** Like {@link #byName} but empty instead of throwing. */
  public static Optional<Board> find(String nameOrAlias) {
    return all().stream().filter(b -> b.matches(nameOrAlias)).findFirst();
  }

  /** Every name and alias, sorted: what {@link #byName} accepts. */
  public static List<String> names() {
    return all().stream().flatMap(b -> b.names().stream()).sorted().toList();
  }

  /**
   * Reads and validates a board file from the filesystem (e.g. a user's own board). The file need
   * not be named after the board.
   *
   * @throws BoardDataException naming the file if it cannot be read, parsed or validated
   */
  public static Board fromFile(Path file) {
    String source = file.toString();
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, source);
    } catch (IOException e) {
      throw new BoardDataException(source, "cannot read: " + e, e);
    }
  }

  /** Parses and validates one board from {@code in}; {@code source} names it in error messages. */
  static Board parse(InputStream in, String source) {
    Board b = read(in, source, Board.class);
    List<String> problems = BoardValidator.problems(b);
    if (!problems.isEmpty()) throw new BoardDataException(source, String.join("; ", problems));
    return b;
  }

  /**
   * Loads every board listed in {@code <dir>/index.json} on the classpath, checks that each file
   * is named after its board and that no name or alias is claimed twice, and sorts by name.
   */
  static List<Board> loadResources(String dir) {
    String indexSource = dir + "/" + INDEX;
    Index index;
    try (InputStream in = open(indexSource)) {
      index = read(in, indexSource, Index.class);
    } catch (IOException e) {
      throw new BoardDataException(indexSource, "cannot read: " + e, e);
    }
    if (index.files().isEmpty()) throw new BoardDataException(indexSource, "lists no board files");

    List<Board> result = new ArrayList<>();
    Map<String, String> owner = new HashMap<>(); // name or alias -> file that claims it
    for (String file : index.files()) {
      if (file == null || !file.endsWith(".json") || file.contains("/") || file.equals(INDEX)) {
        throw new BoardDataException(indexSource, "bad entry '" + file + "': expected <board>.json");
      }
      String source = dir + "/" + file;
      Board b;
      try (InputStream in = open(source)) {
        b = parse(in, source);
      } catch (IOException e) {
        throw new BoardDataException(source, "cannot read: " + e, e);
      }
      String expected = b.name() + ".json";
      if (!file.equals(expected)) {
        throw new BoardDataException(source, "holds board '" + b.name() + "', so it must be named " + expected);
      }
      for (String n : b.names()) {
        String previous = owner.putIfAbsent(n.toLowerCase(Locale.ROOT), source);
        if (previous != null) {
          throw new BoardDataException(source, "name or alias '" + n + "' is already used by " + previous);
        }
      }
      result.add(b);
    }
    result.sort(Comparator.comparing(Board::name));
    return List.copyOf(result);
  }

  private static InputStream open(String resource) throws IOException {
    InputStream in = BoardCatalog.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) throw new BoardDataException(resource, "not found on the classpath");
    return in;
  }

  private static <T> T read(InputStream in, String source, Class<T> type) {
    try {
      return MAPPER.readValue(in, type);
    } catch (JsonMappingException e) {
      throw new BoardDataException(source, at(e) + describe(e) + location(e), e);
    } catch (JsonProcessingException e) {
      throw new BoardDataException(source, "invalid JSON: " + oneLine(e.getOriginalMessage()) + location(e), e);
    } catch (IOException e) {
      throw new BoardDataException(source, "cannot read: " + e, e);
    }
  }

  /** "at resources.dsp: " from the mapping exception's path, or "" at the top level. */
  private static String at(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) sb.append('.');
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.length() == 0 ? "" : "at " + sb + ": ";
  }

  /** Jackson's message for {@code e}, reworded for people who edit board files. */
  private static String describe(JsonMappingException e) {
    String field = e.getPath().isEmpty() ? "?" : e.getPath().get(e.getPath().size() - 1).getFieldName();
    String msg = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    if (e instanceof UnrecognizedPropertyException u) {
      return "unknown field '" + u.getPropertyName() + "'; expected one of "
          + u.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
    }
    if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
      List<String> ids = new ArrayList<>();
      for (Object c : f.getTargetType().getEnumConstants()) ids.add(c.toString());
      return "unknown value '" + f.getValue() + "'; expected one of " + ids;
    }
    if (msg.startsWith("Missing creator property")) return "missing required field '" + field + "'";
    if (msg.startsWith("Null value for creator property")) return "field '" + field + "' must not be null";
    return oneLine(msg);
  }

  private static String location(JsonProcessingException e) {
    var loc = e.getLocation();
    return loc == null || loc.getLineNr() < 0 ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
  }

  private static String oneLine(String s) {
    if (s == null) return "";
    return s.replaceAll("\\s*\\R\\s*", " ")
        .replaceAll(" \\(index \\d+\\)", "")
        .replaceAll(";? ?`DeserializationFeature\\.\\w+` enabled", "")
        .replaceAll("\\(class org\\.cnnhls\\.boards\\.[\\w$]+\\)", "")
        .replaceAll("`org\\.cnnhls\\.boards\\.[\\w$.]+`", "the value")
        .replaceAll(" \\(but (might|could) if coercion[^)]*\\)", "")
        .replaceAll(" {2,}", " ")
        .trim();
  }
}
