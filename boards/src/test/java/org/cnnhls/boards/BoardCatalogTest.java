package org.cnnhls.boards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BoardCatalogTest {

  private static final double EPS = 1e-9;

  @Test
  void everyBoardLoadsSortedByName() {
    List<Board> all = BoardCatalog.all();
    List<String> names = all.stream().map(Board::name).toList();
    assertEquals(List.of("kv260", "pynq-z2", "ultra96v1", "ultra96v2", "zcu102", "zcu104", "zedboard"), names);
    assertThrows(UnsupportedOperationException.class, () -> all.remove(0));
    for (Board b : all) {
      assertTrue(BoardValidator.problems(b).isEmpty(), b.name());
      assertSame(b, BoardCatalog.byName(b.name()));
      assertEquals(4, b.hpPorts().count(), b.name());
      assertEquals(b.family().maxHpPortWidthBits(), b.hpPorts().widthBits(), b.name());
      assertEquals(b.family().psIp(), b.psIp(), b.name());
      assertEquals(Board.PRESET_BOARD, b.psPreset(), b.name());
      assertEquals(0.75, b.ddr().efficiency(), EPS, b.name());
      assertTrue(b.clock().defaultMHz() <= b.clock().maxMHz(), b.name());
    }
  }

  @Test
  void ultra96Facts() {
    Board b = BoardCatalog.byName("ultra96v2");
    assertEquals("xczu3eg-sbva484-1-i", b.part());
    assertEquals("avnet.com:ultra96v2:part0:1.2", b.boardPart());
    assertEquals(Board.Family.ZYNQ_ULTRASCALE_PLUS, b.family());
    assertEquals("zynq_ultra_ps_e", b.psIp());
    assertEquals(new Board.Resources(360, 432, 0, 70_560, 141_120), b.resources());
    assertEquals(4.264e9, b.peakDdrBytesPerSecond(), 1.0);
    assertEquals(4.264e9 * 0.75, b.usableDdrBytesPerSecond(), 1.0);
    assertEquals(144.0, b.peakGops16(200), EPS);
    assertEquals(216.0, b.peakGops16(300), EPS);
    assertEquals(144.0, b.peakGops16(), EPS); // default clock 200 MHz
    assertEquals(new Board.HpPorts(4, 128), b.hpPorts());
    assertEquals(new Board.Clock(200, 300), b.clock());
    assertEquals(new Board.Resources(288, 345, 0, 49_392, 98_784), b.budget());

    Board v1 = BoardCatalog.byName("ultra96v1");
    assertEquals("xczu3eg-sbva484-1-e", v1.part());
    assertEquals(b.resources(), v1.resources());
    assertEquals(b.ddr(), v1.ddr());
  }

  @Test
  void otherBoardFacts() {
    Board zcu104 = BoardCatalog.byName("zcu104");
    assertEquals(96, zcu104.resources().uram());
    assertEquals(1728, zcu104.resources().dsp());
    assertEquals(17.064e9, zcu104.peakDdrBytesPerSecond(), 1.0);
    assertEquals(64, BoardCatalog.byName("kv260").resources().uram());
    assertEquals(19.2e9, BoardCatalog.byName("kv260").peakDdrBytesPerSecond(), 1.0);

    Board pynq = BoardCatalog.byName("pynq-z2");
    assertEquals(Board.Family.ZYNQ_7000, pynq.family());
    assertEquals("processing_system7", pynq.psIp());
    assertEquals(64, pynq.hpPorts().widthBits());
    assertEquals(2.132e9, pynq.peakDdrBytesPerSecond(), 1.0);
    assertEquals(4.264e9, BoardCatalog.byName("zedboard").peakDdrBytesPerSecond(), 1.0);
    assertEquals(new Board.Clock(100, 150), pynq.clock());
  }

  @Test
  void aliasLookupIsCaseInsensitive() {
    Board v2 = BoardCatalog.byName("ultra96v2");
    assertSame(v2, BoardCatalog.byName("ultra96"));
    assertSame(v2, BoardCatalog.byName("Ultra96"));
    assertSame(v2, BoardCatalog.byName(" ULTRA96V2 "));
    assertSame(BoardCatalog.byName("pynq-z2"), BoardCatalog.byName("PYNQ-Z2"));
    assertTrue(BoardCatalog.find("nope").isEmpty());
    assertTrue(BoardCatalog.names().contains("ultra96"));
    assertEquals("ultra96v2 (ultra96)", v2.displayName());
  }

  @Test
  void unknownBoardMessageListsBoards() {
    UnknownBoardException e = assertThrows(UnknownBoardException.class, () -> BoardCatalog.byName("foo"));
    assertEquals(
        "unknown board 'foo'; known boards: kv260, pynq-z2, ultra96v1, ultra96v2 (ultra96), zcu102, zcu104, zedboard",
        e.getMessage());
    assertEquals("foo", e.requested());
    assertThrows(UnknownBoardException.class, () -> BoardCatalog.byName(null));
  }

  @Test
  void indexListsExactlyTheFilesPresent() throws IOException {
    Path dir = Path.of("src/main/resources/boards");
    assertTrue(Files.isDirectory(dir), "run from the module directory: " + dir.toAbsolutePath());
    Set<String> present;
    try (Stream<Path> s = Files.list(dir)) {
      present = s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json") && !n.equals("index.json"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    List<String> listed = new ObjectMapper()
        .readValue(dir.resolve("index.json").toFile(), BoardCatalog.Index.class).files();
    assertEquals(listed.size(), Set.copyOf(listed).size(), "index.json repeats a file");
    assertEquals(present, new TreeSet<>(listed));
  }

  // ---- broken data files ----

  private static String ultra96Json() throws IOException {
    return Files.readString(Path.of("src/main/resources/boards/ultra96v2.json"));
  }

  private static BoardDataException brokenFile(Path tmp, String json) throws IOException {
    Path f = tmp.resolve("broken.json");
    Files.writeString(f, json);
    BoardDataException e = assertThrows(BoardDataException.class, () -> BoardCatalog.fromFile(f));
    assertTrue(e.getMessage().startsWith("board data file '" + f + "': "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    return e;
  }

  @Test
  void fromFileReadsAValidFile(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
    Path f = tmp.resolve("mine.json");
    Files.writeString(f, ultra96Json());
    assertEquals(BoardCatalog.byName("ultra96v2"), BoardCatalog.fromFile(f));
  }

  @Test
  void validationProblemsNameTheFieldAndFile(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
    String j = ultra96Json()
        .replace("\"dsp\": 360", "\"dsp\": 0")
        .replace("\"defaultMHz\": 200", "\"defaultMHz\": 400")
        .replace("\"lut\": 0.7", "\"lut\": 1.5")
        .replace("\"efficiency\": 0.75", "\"efficiency\": 0");
    String m = brokenFile(tmp, j).getMessage();
    assertTrue(m.contains("resources.dsp must be > 0 (got 0)"), m);
    assertTrue(m.contains("clock.defaultMHz (400) must not exceed clock.maxMHz (300)"), m);
    assertTrue(m.contains("utilizationCaps.lut must be in (0, 1] (got 1.5)"), m);
    assertTrue(m.contains("ddr.efficiency must be in (0, 1] (got 0)"), m);
  }

  @Test
  void familyMismatchesAreCaught(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
    String j = ultra96Json().replace("\"zynquplus\"", "\"zynq7000\"");
    String m = brokenFile(tmp, j).getMessage();
    assertTrue(m.contains("psIp must be 'processing_system7'"), m);
    assertTrue(m.contains("hpPorts.widthBits must be at most 64"), m);
  }

  @Test
  void parseErrorsNameTheFieldAndFile(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
    String missing = brokenFile(tmp, ultra96Json().replace("\"bram18\": 432,", "")).getMessage();
    assertTrue(missing.contains("at resources.bram18: missing required field 'bram18'"), missing);

    String unknown = brokenFile(tmp, ultra96Json().replace("\"uram\": 0,", "\"uram\": 0, \"urams\": 1,")).getMessage();
    assertTrue(unknown.contains("unknown field 'urams'; expected one of [bram18, dsp, ff, lut, uram]"), unknown);

    String badType = brokenFile(tmp, ultra96Json().replace("\"dsp\": 360", "\"dsp\": \"lots\"")).getMessage();
    assertTrue(badType.contains("at resources.dsp: "), badType);

    String fraction = brokenFile(tmp, ultra96Json().replace("\"dsp\": 360", "\"dsp\": 360.5")).getMessage();
    assertTrue(fraction.contains("at resources.dsp: "), fraction);

    String family = brokenFile(tmp, ultra96Json().replace("\"zynquplus\"", "\"virtex\"")).getMessage();
    assertTrue(family.contains("at family: unknown value 'virtex'; expected one of [zynquplus, zynq7000]"), family);

    String nul = brokenFile(tmp, ultra96Json().replace("\"xczu3eg-sbva484-1-i\"", "null")).getMessage();
    assertTrue(nul.contains("at part: field 'part' must not be null"), nul);

    String syntax = brokenFile(tmp, ultra96Json().replace("\"part\":", "\"part\"")).getMessage();
    assertTrue(syntax.contains("invalid JSON") && syntax.contains("line "), syntax);
  }

  @Test
  void catalogRejectsMisnamedFilesAndDuplicateNames() {
    BoardDataException dup = assertThrows(BoardDataException.class,
        () -> BoardCatalog.loadResources("testboards/dup-alias"));
    assertTrue(dup.getMessage().contains("testboards/dup-alias/b.json")
        && dup.getMessage().contains("'shared' is already used by testboards/dup-alias/a.json"), dup.getMessage());

    BoardDataException misnamed = assertThrows(BoardDataException.class,
        () -> BoardCatalog.loadResources("testboards/misnamed"));
    assertTrue(misnamed.getMessage().contains("testboards/misnamed/other.json")
        && misnamed.getMessage().contains("must be named a.json"), misnamed.getMessage());

    BoardDataException none = assertThrows(BoardDataException.class,
        () -> BoardCatalog.loadResources("testboards/absent"));
    assertTrue(none.getMessage().contains("testboards/absent/index.json': not found on the classpath"),
        none.getMessage());
  }
}
