package org.cnnhls.codegen;

/**
 * Names from the model reach generated C++, Tcl and Python only through here, so a model cannot
 * inject code: identifiers keep [A-Za-z0-9_], string literals keep a safe printable subset.
 */
public final class CppNames {
  private CppNames() {}

  /** A C/C++/Tcl/Python identifier: other characters become '_', a leading digit gets a prefix. */
  public static String identifier(String name) {
    StringBuilder sb = new StringBuilder();
    for (char ch : name.toCharArray()) sb.append(Character.isLetterOrDigit(ch) && ch < 128 || ch == '_' ? ch : '_');
    if (sb.length() == 0 || Character.isDigit(sb.charAt(0))) sb.insert(0, "m_");
    return sb.length() > 64 ? sb.substring(0, 64) : sb.toString();
  }

  /** The punctuation {@link #literal} keeps: special in none of C++, Tcl, Python, Markdown tables or cnnhls templates. */
  static final String LITERAL_PUNCTUATION = "_-./:+=,() ";

  /**
   * Contents of a double-quoted string literal (and of comments): ASCII letters, digits and
   * {@link #LITERAL_PUNCTUATION} only. Everything else becomes '_': quotes, backslashes, control
   * characters, Tcl's $ [ ] { } ; #, Python's { } %, C++ trigraphs' ?, Markdown's | ` * and the
   * template placeholder marker @.
   */
  public static String literal(String text) {
    StringBuilder sb = new StringBuilder();
    for (char ch : text.toCharArray()) {
      boolean safe = ch < 128 && (Character.isLetterOrDigit(ch) || LITERAL_PUNCTUATION.indexOf(ch) >= 0);
      sb.append(safe ? ch : '_');
    }
    return sb.length() > 96 ? sb.substring(0, 96) : sb.toString();
  }

  /**
   * A default folder name for a model: its {@link #identifier}, plus a short hash of the raw name
   * when sanitizing changed it, so "my-net", "my_net" and "my net" get different folders.
   */
  public static String folderName(String model) {
    String id = identifier(model);
    if (id.equals(model)) return id;
    try {
      byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(model.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return id + "-" + java.util.HexFormat.of().formatHex(h, 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
