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

  /** Contents of a double-quoted string literal: no quotes, backslashes, newlines or Tcl/shell specials. */
  public static String literal(String text) {
    StringBuilder sb = new StringBuilder();
    for (char ch : text.toCharArray()) {
      boolean safe = ch < 128 && (Character.isLetterOrDigit(ch) || "_-./:+=,()#@ ".indexOf(ch) >= 0);
      sb.append(safe ? ch : '_');
    }
    return sb.length() > 96 ? sb.substring(0, 96) : sb.toString();
  }
}
