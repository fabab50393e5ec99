#pragma once

#include "config/Config.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <string>

namespace YAML {
class Node;
}

namespace portico {

// Reads values out of a foreign document parsed by yaml-cpp (JSON is YAML too). A value of the
// wrong type becomes an error naming its path in the document, and the output is left as it
// was; absent or null values are not errors (the readers return false and change nothing).
class ForeignYaml
{
public:
    explicit ForeignYaml(ConfigErrors &errors)
        : m_errors(errors)
    {
    }

    // YAML::Load, with its exceptions turned into one error that says where the syntax broke.
    static bool load(const QByteArray &text, YAML::Node &root, ConfigErrors &errors);

    // map[key], or a null node when `map` is not a mapping or has no such key. Always use this:
    // yaml-cpp's const operator[] gives a "zombie" for a missing key that throws on any later
    // use, and its non-const operator[] inserts the key into the document.
    static YAML::Node at(const YAML::Node &map, const char *key);
    static bool isSet(const YAML::Node &node); // present and not null
    // "base.key", or "key" when base is empty.
    static QString field(const QString &base, const std::string &key);
    // A value for a report line: a scalar as its text, a list or mapping in short flow style.
    static QString describe(const YAML::Node &node);

    void error(const QString &path, const QString &message);

    bool expectMap(const YAML::Node &node, const QString &path);
    bool expectList(const YAML::Node &node, const QString &path);
    bool string(const YAML::Node &node, const QString &path, QString &out);
    // A whole number; JSON writers' 5.0 counts as 5.
    bool integer(const YAML::Node &node, const QString &path, qint64 &out);
    bool boolean(const YAML::Node &node, const QString &path, bool &out);
    bool stringList(const YAML::Node &node, const QString &path, QStringList &out);

private:
    ConfigErrors &m_errors;
};

} // namespace portico
