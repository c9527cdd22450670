package org.cnnhls.sweep;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * A Vitis HLS synthesis report ({@code syn/report/csynth.xml}), read with the JDK's XML parser:
 * the top function's latency and interval in cycles, the clock, every loop's trip count, latency,
 * II and pipeline depth where the report gives them, and the area estimates against what the part
 * has. Strict: a missing file, malformed XML or a missing section is a {@link ReportException}
 * naming the file and what is missing.
 *
 * @param bestLatency best-case latency in cycles, -1 when "undef"
 * @param worstLatency worst-case latency in cycles, -1 when "undef"
 * @param intervalMin initiation interval in cycles (min), -1 when "undef"
 * @param intervalMax initiation interval in cycles (max), -1 when "undef"
 */
public record HlsReport(String source, String version, String part, String top, double targetClockNs, double estimatedClockNs,
    long bestLatency, long worstLatency, long intervalMin, long intervalMax, List<Loop> loops, Resources used,
    Resources available) {

  /**
   * One loop. {@code module} is the function it is in (the top for the top's loop summary),
   * {@code path} the loop's name with its enclosing loops ("tile_m_tile_n/tile_k"). Numbers are -1
   * where the report does not give them (II and depth only for pipelined loops; trip count "undef").
   */
  public record Loop(String module, String path, long tripCount, long latency, long ii, long depth) {}

  /** Parses {@code file}; {@code name} is how messages call it (e.g. its path relative to the sweep). */
  public static HlsReport parse(Path file, String name) {
    if (!Files.isRegularFile(file)) throw new ReportException(name + ": missing");
    Document doc;
    try (InputStream in = Files.newInputStream(file)) {
      doc = builder().parse(in);
    } catch (SAXException e) {
      throw new ReportException(name + ": malformed XML (" + oneLine(e.getMessage()) + ")");
    } catch (IOException e) {
      throw new ReportException(name + ": cannot read (" + oneLine(e.getMessage()) + ")");
    }
    Element root = doc.getDocumentElement();
    if (!root.getTagName().equals("profile")) throw new ReportException(name + ": root element is <" + root.getTagName() + ">, not <profile>");
    Element user = child(root, "UserAssignments", name);
    Element perf = child(root, "PerformanceEstimates", name);
    Element overall = child(perf, "SummaryOfOverallLatency", name);
    Element area = child(root, "AreaEstimates", name);
    Element version = optional(root, "ReportVersion");
    String ver = version == null || optional(version, "Version") == null ? "" : text(optional(version, "Version"));
    Element timing = optional(perf, "SummaryOfTimingAnalysis");
    double est = timing == null ? Double.NaN : decimal(child(timing, "EstimatedClockPeriod", name), name);
    String top = text(child(user, "TopModelName", name));
    List<Loop> loops = new ArrayList<>();
    Element loopSummary = optional(perf, "SummaryOfLoopLatency");
    if (loopSummary != null) loops(loopSummary, top, "", loops, name);
    Element modules = optional(root, "ModuleInformation");
    if (modules != null) {
      for (Element m : children(modules, "Module")) {
        Element mn = optional(m, "Name");
        Element mp = optional(m, "PerformanceEstimates");
        Element ml = mp == null ? null : optional(mp, "SummaryOfLoopLatency");
        if (mn != null && ml != null && !text(mn).equals(top)) loops(ml, text(mn), "", loops, name);
      }
    }
    return new HlsReport(name, ver, optional(user, "Part") == null ? "" : text(optional(user, "Part")), top,
        decimal(child(user, "TargetClockPeriod", name), name), est,
        cycles(child(overall, "Best-caseLatency", name), name), cycles(child(overall, "Worst-caseLatency", name), name),
        cycles(child(overall, "Interval-min", name), name), cycles(child(overall, "Interval-max", name), name),
        List.copyOf(loops), resources(child(area, "Resources", name), name), resources(child(area, "AvailableResources", name), name));
  }

  /** Worst-case latency at the target clock (the clock the design is built for), in milliseconds; NaN when undef. */
  public double worstLatencyMs() {
    if (worstLatency < 0) return Double.NaN;
    return worstLatency * targetClockNs * 1e-6;
  }

  private static void loops(Element summary, String module, String prefix, List<Loop> out, String name) {
    for (Node n = summary.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (!(n instanceof Element e) || (optional(e, "TripCount") == null && optional(e, "Latency") == null)) continue;
      String path = prefix.isEmpty() ? e.getTagName() : prefix + "/" + e.getTagName();
      out.add(new Loop(module, path, opt(e, "TripCount", name), opt(e, "Latency", name), opt(e, "PipelineII", name),
          opt(e, "PipelineDepth", name)));
      loops(e, module, path, out, name);
    }
  }

  private static long opt(Element parent, String tag, String name) {
    Element e = optional(parent, tag);
    return e == null ? -1 : cycles(e, name);
  }

  private static Resources resources(Element r, String name) {
    Element uram = optional(r, "URAM");
    return new Resources(count(child(r, "LUT", name), name), count(child(r, "FF", name), name), count(child(r, "BRAM_18K", name), name),
        count(child(r, "DSP", name), name), uram == null ? -1 : count(uram, name));
  }

  private static long count(Element e, String name) {
    String t = text(e);
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException x) {
      throw new ReportException(name + ": <" + e.getTagName() + "> is '" + t + "', not a count");
    }
  }

  /** A cycle count; "undef" is -1; a range "a ~ b" is its upper end. */
  private static long cycles(Element e, String name) {
    String t = text(e);
    if (t.equals("undef") || t.equals("-")) return -1;
    int tilde = t.indexOf('~');
    if (tilde >= 0) t = t.substring(tilde + 1).trim();
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException x) {
      throw new ReportException(name + ": <" + e.getTagName() + "> is '" + t + "', not a cycle count");
    }
  }

  private static double decimal(Element e, String name) {
    String t = text(e);
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException x) {
      throw new ReportException(name + ": <" + e.getTagName() + "> is '" + t + "', not a number");
    }
  }

  private static Element child(Element parent, String tag, String name) {
    Element e = optional(parent, tag);
    if (e == null) throw new ReportException(name + ": no <" + tag + ">" + (parent.getParentNode() instanceof Element ? " in <" + parent.getTagName() + ">" : ""));
    return e;
  }

  private static Element optional(Element parent, String tag) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) return e;
    }
    return null;
  }

  private static List<Element> children(Element parent, String tag) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) out.add(e);
    }
    return out;
  }

  private static String text(Element e) {
    return e.getTextContent().trim();
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("[\\p{Cntrl}\\s]+", " ").trim();
  }

  private static DocumentBuilder builder() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(new org.xml.sax.ErrorHandler() { // no "[Fatal Error]" lines on stderr: the exception says it
        @Override public void warning(org.xml.sax.SAXParseException e) { }
        @Override public void error(org.xml.sax.SAXParseException e) throws SAXException { throw e; }
        @Override public void fatalError(org.xml.sax.SAXParseException e) throws SAXException { throw e; }
      });
      return b;
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }
}
