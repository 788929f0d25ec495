package org.mmsim.workload.script;

/**
 * One lexical token. {@code text} is the token as written (for a string, its decoded contents; for an
 * {@link Kind#ERROR} token, the error message); {@code value} is the value of a number.
 */
record Token(Kind kind, String text, long value, Span span) {

    /** Token kinds; operators carry their spelling. */
    enum Kind {
        IDENT(null), NUMBER(null), STRING(null), NEWLINE("end of line"), EOF("end of file"), ERROR(null),
        LPAREN("("), RPAREN(")"), LBRACE("{"), RBRACE("}"), COMMA(","), SEMI(";"), DOTDOT(".."),
        QUESTION("?"), COLON(":"),
        PLUS("+"), MINUS("-"), STAR("*"), SLASH("/"), PERCENT("%"), SHL("<<"), SHR(">>"),
        LT("<"), LE("<="), GT(">"), GE(">="), EQ("=="), NE("!="),
        AMP("&"), CARET("^"), PIPE("|"), ANDAND("&&"), OROR("||"), BANG("!"), TILDE("~"),
        ASSIGN("="), PLUS_ASSIGN("+="), MINUS_ASSIGN("-="), STAR_ASSIGN("*="), SLASH_ASSIGN("/="),
        PERCENT_ASSIGN("%="), SHL_ASSIGN("<<="), SHR_ASSIGN(">>="), AMP_ASSIGN("&="), CARET_ASSIGN("^="),
        PIPE_ASSIGN("|=");

        final String spelling;

        Kind(String spelling) { this.spelling = spelling; }

        /** True for {@code =} and the compound assignments. */
        boolean isAssignment() { return this.compareTo(ASSIGN) >= 0; }
    }

    /** How the token reads in an error message. */
    String describe() {
        return switch (kind) {
            case IDENT -> "'" + text + "'";
            case NUMBER -> "number " + text;
            case STRING -> "string";
            case ERROR -> text;
            default -> kind.spelling.startsWith("end") ? kind.spelling : "'" + kind.spelling + "'";
        };
    }
}
