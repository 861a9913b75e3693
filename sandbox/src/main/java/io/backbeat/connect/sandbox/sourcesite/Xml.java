package io.backbeat.connect.sandbox.sourcesite;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** The little XML the S3 API needs: a writer for answers and a DOM reader for request bodies. */
final class Xml {

    static final String S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/";

    private final StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");

    /** Opens the root element with the S3 namespace. */
    static Xml root(String name) {
        Xml x = new Xml();
        x.sb.append('<').append(name).append(" xmlns=\"").append(S3_NS).append("\">");
        return x;
    }

    /** Opens a root element without namespace (error documents). */
    static Xml plainRoot(String name) {
        Xml x = new Xml();
        x.sb.append('<').append(name).append('>');
        return x;
    }

    Xml open(String name) {
        sb.append('<').append(name).append('>');
        return this;
    }

    Xml close(String name) {
        sb.append("</").append(name).append('>');
        return this;
    }

    Xml element(String name, Object value) {
        if (value == null) {
            return this;
        }
        sb.append('<').append(name).append('>').append(escape(value.toString())).append("</").append(name)
                .append('>');
        return this;
    }

    String done(String rootName) {
        return sb.append("</").append(rootName).append('>').toString();
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<':
                    out.append("&lt;");
                    break;
                case '>':
                    out.append("&gt;");
                    break;
                case '&':
                    out.append("&amp;");
                    break;
                case '"':
                    out.append("&quot;");
                    break;
                case '\'':
                    out.append("&apos;");
                    break;
                default:
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        out.append("&#").append((int) c).append(';');
                    } else {
                        out.append(c);
                    }
            }
        }
        return out.toString();
    }

    /** Parses a request body; anything not well-formed is MalformedXML. */
    static Element parse(byte[] body, String expectedRoot) {
        if (body.length == 0) {
            throw S3Exception.malformedXml("the request body is empty, expected <" + expectedRoot + ">");
        }
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            Element root = b.parse(new ByteArrayInputStream(body)).getDocumentElement();
            if (!expectedRoot.equals(root.getLocalName())) {
                throw S3Exception.malformedXml("expected root element <" + expectedRoot + ">, got <"
                        + root.getLocalName() + ">");
            }
            return root;
        } catch (S3Exception e) {
            throw e;
        } catch (Exception e) {
            throw S3Exception.malformedXml(e.getMessage());
        }
    }

    static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && name.equals(n.getLocalName())) {
                out.add((Element) n);
            }
        }
        return out;
    }

    static Element child(Element parent, String name) {
        List<Element> c = children(parent, name);
        if (c.size() > 1) {
            throw S3Exception.malformedXml("<" + parent.getLocalName() + "> has more than one <" + name + ">");
        }
        return c.isEmpty() ? null : c.get(0);
    }

    /** The text of a child element, or null when absent. */
    static String text(Element parent, String name) {
        Element c = child(parent, name);
        return c == null ? null : c.getTextContent();
    }

    static String requiredText(Element parent, String name) {
        String t = text(parent, name);
        if (t == null) {
            throw S3Exception.malformedXml("<" + parent.getLocalName() + "> needs a <" + name + "> element");
        }
        return t;
    }
}
