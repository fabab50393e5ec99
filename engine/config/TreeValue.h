#pragma once

#include <QByteArray>
#include <QString>

#include <utility>
#include <vector>

namespace portico {

// An ordered document tree (mapping keys keep their insertion order), written out as YAML or
// JSON. Export, the Admin API and the foreign formats build one and pick the writer, so the
// same configuration always reads the same in either syntax.
class TreeValue
{
public:
    enum class Kind { Null, Bool, Integer, String, Map, List };

    TreeValue() = default;
    static TreeValue boolean(bool value);
    static TreeValue integer(qint64 value);
    static TreeValue string(const QString &value);
    static TreeValue map();
    static TreeValue list();
    // A list of strings written on one line in YAML ("[GET, POST]").
    static TreeValue flowList(const QStringList &values);

    Kind kind() const { return m_kind; }
    // Appends to a map; returns *this for chaining.
    TreeValue &insert(const char *key, TreeValue value);
    TreeValue &insert(const char *key, const QString &value) { return insert(key, string(value)); }
    TreeValue &insert(const char *key, const char *value);
    TreeValue &insert(const char *key, int value) { return insert(key, integer(value)); }
    TreeValue &insert(const char *key, qint64 value) { return insert(key, integer(value)); }
    TreeValue &insert(const char *key, bool value) { return insert(key, boolean(value)); }
    // Appends to a list.
    TreeValue &append(TreeValue value);
    // Written on one line in YAML ("{url: ..., weight: 100}").
    TreeValue &setFlow(bool flow = true);

    bool isEmpty() const { return m_members.empty() && m_items.empty(); }

    // Block-style YAML ending with a newline.
    QByteArray toYaml() const;
    // JSON; indented by two spaces and ending with a newline unless compact.
    QByteArray toJson(bool compact = false) const;

private:
    friend class TreeWriter;

    Kind m_kind = Kind::Null;
    bool m_flow = false;
    bool m_bool = false;
    qint64 m_integer = 0;
    QString m_string;
    std::vector<std::pair<QByteArray, TreeValue>> m_members;
    std::vector<TreeValue> m_items;
};

} // namespace portico
