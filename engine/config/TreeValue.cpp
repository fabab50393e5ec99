#include "TreeValue.h"

#include <QStringList>

#include <yaml-cpp/yaml.h>

namespace portico {

TreeValue TreeValue::boolean(bool value)
{
    TreeValue v;
    v.m_kind = Kind::Bool;
    v.m_bool = value;
    return v;
}

TreeValue TreeValue::integer(qint64 value)
{
    TreeValue v;
    v.m_kind = Kind::Integer;
    v.m_integer = value;
    return v;
}

TreeValue TreeValue::string(const QString &value)
{
    TreeValue v;
    v.m_kind = Kind::String;
    v.m_string = value;
    return v;
}

TreeValue TreeValue::map()
{
    TreeValue v;
    v.m_kind = Kind::Map;
    return v;
}

TreeValue TreeValue::list()
{
    TreeValue v;
    v.m_kind = Kind::List;
    return v;
}

TreeValue TreeValue::flowList(const QStringList &values)
{
    TreeValue v = list();
    v.m_flow = true;
    v.m_items.reserve(size_t(values.size()));
    for (const QString &value : values)
        v.m_items.push_back(string(value));
    return v;
}

TreeValue &TreeValue::insert(const char *key, TreeValue value)
{
    Q_ASSERT(m_kind == Kind::Map);
    m_members.emplace_back(QByteArray(key), std::move(value));
    return *this;
}

TreeValue &TreeValue::insert(const char *key, const char *value)
{
    return insert(key, string(QString::fromUtf8(value)));
}

TreeValue &TreeValue::append(TreeValue value)
{
    Q_ASSERT(m_kind == Kind::List);
    m_items.push_back(std::move(value));
    return *this;
}

TreeValue &TreeValue::setFlow(bool flow)
{
    m_flow = flow;
    return *this;
}

namespace {

// Text that reads back the same from a YAML literal block ("|"): whole lines ending in one line
// break, the first not indented, no control characters but the breaks. PEM certificates and
// keys are, and read far better as blocks than as one quoted line of "\n"s.
bool suitsLiteralBlock(const QString &text)
{
    if (text.size() < 2 || !text.endsWith(u'\n') || text.endsWith(QStringLiteral("\n\n"))
        || text.front().isSpace())
        return false;
    for (const QChar c : text) {
        if (c.unicode() < 0x20 && c != u'\n')
            return false;
    }
    return text.indexOf(u'\n') < text.size() - 1; // one line reads better quoted
}

} // namespace

class TreeWriter
{
public:
    static void yaml(YAML::Emitter &out, const TreeValue &v)
    {
        switch (v.m_kind) {
        case TreeValue::Kind::Null:
            out << YAML::Null;
            break;
        case TreeValue::Kind::Bool:
            out << v.m_bool;
            break;
        case TreeValue::Kind::Integer:
            out << v.m_integer;
            break;
        case TreeValue::Kind::String:
            // yaml-cpp quotes whatever would read back as another type ("true", "12").
            if (suitsLiteralBlock(v.m_string))
                out << YAML::Literal;
            out << v.m_string.toStdString();
            break;
        case TreeValue::Kind::Map:
            if (v.m_flow)
                out << YAML::Flow;
            out << YAML::BeginMap;
            for (const auto &[key, value] : v.m_members) {
                out << YAML::Key << key.toStdString() << YAML::Value;
                yaml(out, value);
            }
            out << YAML::EndMap;
            break;
        case TreeValue::Kind::List:
            if (v.m_flow)
                out << YAML::Flow;
            out << YAML::BeginSeq;
            for (const TreeValue &item : v.m_items)
                yaml(out, item);
            out << YAML::EndSeq;
            break;
        }
    }

    static void jsonString(QByteArray &out, const QString &text)
    {
        out.append('"');
        for (const char c : text.toUtf8()) {
            const auto u = static_cast<unsigned char>(c);
            switch (c) {
            case '"': out.append("\\\""); break;
            case '\\': out.append("\\\\"); break;
            case '\n': out.append("\\n"); break;
            case '\r': out.append("\\r"); break;
            case '\t': out.append("\\t"); break;
            default:
                if (u < 0x20) {
                    char escaped[8];
                    std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
                    out.append(escaped);
                } else {
                    out.append(c);
                }
            }
        }
        out.append('"');
    }

    static void json(QByteArray &out, const TreeValue &v, bool compact, int depth)
    {
        const auto newline = [&](int level) {
            if (compact)
                return;
            out.append('\n');
            out.append(QByteArray(level * 2, ' '));
        };
        switch (v.m_kind) {
        case TreeValue::Kind::Null:
            out.append("null");
            break;
        case TreeValue::Kind::Bool:
            out.append(v.m_bool ? "true" : "false");
            break;
        case TreeValue::Kind::Integer:
            out.append(QByteArray::number(v.m_integer));
            break;
        case TreeValue::Kind::String:
            jsonString(out, v.m_string);
            break;
        case TreeValue::Kind::Map: {
            out.append('{');
            bool first = true;
            for (const auto &[key, value] : v.m_members) {
                if (!first)
                    out.append(',');
                first = false;
                newline(depth + 1);
                jsonString(out, QString::fromUtf8(key));
                out.append(compact ? ":" : ": ");
                json(out, value, compact, depth + 1);
            }
            if (!v.m_members.empty())
                newline(depth);
            out.append('}');
            break;
        }
        case TreeValue::Kind::List: {
            out.append('[');
            bool first = true;
            for (const TreeValue &item : v.m_items) {
                if (!first)
                    out.append(',');
                first = false;
                newline(depth + 1);
                json(out, item, compact, depth + 1);
            }
            if (!v.m_items.empty())
                newline(depth);
            out.append(']');
            break;
        }
        }
    }
};

QByteArray TreeValue::toYaml() const
{
    YAML::Emitter out;
    TreeWriter::yaml(out, *this);
    QByteArray yaml(out.c_str(), qsizetype(out.size()));
    yaml.append('\n');
    return yaml;
}

QByteArray TreeValue::toJson(bool compact) const
{
    QByteArray json;
    TreeWriter::json(json, *this, compact, 0);
    if (!compact)
        json.append('\n');
    return json;
}

} // namespace portico
