#pragma once

#include "config/Config.h"

#include <QAbstractTableModel>
#include <QDateTime>

#include <functional>

namespace portico {

// One consumer's API keys (metadata only: the store never has a plaintext to show), newest
// first, with their state and when each was last used.
class ApiKeyTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Prefix, Id, Created, Expires, LastUsed, State, ColumnCount };
    enum Role { StateRole = Qt::UserRole + 1 }; // the ApiKeyState as an int

    // Answers when a key was last used; invalid when never (or unknown).
    using LastUsedSource = std::function<QDateTime(const QString &keyId)>;

    explicit ApiKeyTableModel(QObject *parent = nullptr);

    void setLastUsedSource(LastUsedSource source) { m_lastUsed = std::move(source); }
    // Resets only when the keys differ; otherwise just refreshes states and last use.
    void setKeys(const std::vector<ApiKeyConfig> &keys);
    void refresh();

    const ApiKeyConfig *keyAt(int row) const;
    int rowOf(const QString &keyId) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        ApiKeyConfig key;
        QDateTime lastUsed;
    };
    void judge();

    std::vector<Row> m_rows;
    LastUsedSource m_lastUsed;
    QDateTime m_now;
};

} // namespace portico
