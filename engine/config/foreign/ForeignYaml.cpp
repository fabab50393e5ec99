#include "ForeignYaml.h"

#include <yaml-cpp/yaml.h>

#include <cmath>

namespace portico {

bool ForeignYaml::load(const QByteArray &text, YAML::Node &root, ConfigErrors &errors)
{
    try {
        root = YAML::Load(text.toStdString());
    } catch (const YAML::ParserException &e) {
        errors.push_back({QString(),
                          QStringLiteral("syntax error at line %1, column %2: %3")
                              .arg(e.mark.line + 1)
                              .arg(e.mark.column + 1)
                              .arg(QString::fromStdString(e.msg))});
        return false;
    } catch (const std::exception &e) {
        errors.push_back({QString(), QStringLiteral("cannot read the document: %1").arg(e.what())});
        return false;
    }
    if (!root.IsMap()) {
        errors.push_back({QString(),
                          root.IsNull() ? QStringLiteral("empty document")
                                        : QStringLiteral("expected a mapping at the "
                                                         "top level")});
        return false;
    }
    return true;
}

YAML::Node ForeignYaml::at(const YAML::Node &map, const char *key)
{
    if (!map.IsDefined() || !map.IsMap())
        return YAML::Node();
    const YAML::Node value = map[key];
    return value.IsDefined() ? value : YAML::Node();
}

bool ForeignYaml::isSet(const YAML::Node &node)
{
    return node.IsDefined() && !node.IsNull();
}

QString ForeignYaml::field(const QString &base, const std::string &key)
{
    const QString name = QString::fromStdString(key);
    return base.isEmpty() ? name : base + QLatin1Char('.') + name;
}

QString ForeignYaml::describe(const YAML::Node &node)
{
    if (!isSet(node))
        return QStringLiteral("null");
    if (node.IsScalar())
        return QString::fromStdString(node.Scalar());
    YAML::Emitter out;
    out << YAML::Flow << node;
    QString text = QString::fromUtf8(out.c_str());
    if (text.size() > 80)
        text = text.left(77) + QStringLiteral("...");
    return text;
}

void ForeignYaml::error(const QString &path, const QString &message)
{
    m_errors.push_back({path, message});
}

bool ForeignYaml::expectMap(const YAML::Node &node, const QString &path)
{
    if (node.IsMap())
        return true;
    error(path, QStringLiteral("expected a mapping"));
    return false;
}

bool ForeignYaml::expectList(const YAML::Node &node, const QString &path)
{
    if (node.IsSequence())
        return true;
    error(path, QStringLiteral("expected a list"));
    return false;
}

bool ForeignYaml::string(const YAML::Node &node, const QString &path, QString &out)
{
    if (!isSet(node))
        return false;
    if (!node.IsScalar()) {
        error(path, QStringLiteral("expected a string"));
        return false;
    }
    out = QString::fromStdString(node.Scalar());
    return true;
}

bool ForeignYaml::integer(const YAML::Node &node, const QString &path, qint64 &out)
{
    if (!isSet(node))
        return false;
    const QString text = node.IsScalar() ? QString::fromStdString(node.Scalar()) : QString();
    bool ok = false;
    qint64 value = text.toLongLong(&ok);
    if (!ok) {
        // JSON writers may give 5.0 for an integer-valued number.
        const double real = text.toDouble(&ok);
        ok = ok && std::isfinite(real) && real == std::floor(real) && std::fabs(real) < 9e15;
        value = ok ? qint64(real) : 0;
    }
    if (!ok) {
        error(path, QStringLiteral("expected an integer"));
        return false;
    }
    out = value;
    return true;
}

bool ForeignYaml::boolean(const YAML::Node &node, const QString &path, bool &out)
{
    if (!isSet(node))
        return false;
    const QString text =
        node.IsScalar() ? QString::fromStdString(node.Scalar()).toLower() : QString();
    if (text != QStringLiteral("true") && text != QStringLiteral("false")) {
        error(path, QStringLiteral("expected true or false"));
        return false;
    }
    out = text == QStringLiteral("true");
    return true;
}

bool ForeignYaml::stringList(const YAML::Node &node, const QString &path, QStringList &out)
{
    if (!isSet(node))
        return false;
    if (!expectList(node, path))
        return false;
    QStringList values;
    bool ok = true;
    for (size_t i = 0; i < node.size(); ++i) {
        if (!node[i].IsScalar()) {
            error(path + QLatin1Char('[') + QString::number(i) + QLatin1Char(']'),
                  QStringLiteral("expected a string"));
            ok = false;
            continue;
        }
        values.append(QString::fromStdString(node[i].Scalar()));
    }
    if (ok)
        out = values;
    return ok;
}

} // namespace portico
