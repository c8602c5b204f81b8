package org.stegoehealth.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.util.Map;

/** The pages' jte templates, compiled to classes at build time (jte-maven-plugin); HTML output is escaped. */
public final class Templates {

    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

    private Templates() {}

    /** Renders {@code template} (a path under {@code src/main/jte}) with {@code params}. */
    public static String render(String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        ENGINE.render(template, params, out);
        return out.toString();
    }

    /** Renders {@code template} as the HTML response of {@code ctx}. */
    public static void html(Context ctx, String template, Map<String, Object> params) {
        ctx.html(render(template, params));
    }
}
