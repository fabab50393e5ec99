#include "ApiKeyTableModel.h"

#include "views/StatusColors.h"

#include "config/KeyEdits.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

#include <algorithm>

namespace portico {

namespace {

QString timeText(const QDateTime &time, const QString &none)
{
    return time.isValid() ? QLocale().toString(time.toLocalTime(), QLocale::ShortFormat) : none;
}

// A date and minutes: seconds add nothing to a key's creation or expiry in a list.
QString shortTime(const QDateTime &time, const QString &none)
{
    if (!time.isValid())
        return none;
    const QDateTime local = time.toLocalTime();
    return QLocale().toString(local.date(), QLocale::ShortFormat) + u' '
        + local.time().toString(QStringLiteral("HH:mm"));
}

// "just now", "5 min ago", ...: how recently a key was used is what matters at a glance.
QString sinceText(const QDateTime &time, const QDateTime &now)
{
    const qint64 s = time.secsTo(now);
    if (s < 60)
        return ApiKeyTableModel::tr("just now");
    if (s < 3600)
        return ApiKeyTableModel::tr("%1 min ago").arg(s / 60);
    if (s < 86'400)
        return ApiKeyTableModel::tr("%1 h ago").arg(s / 3600);
    if (s < 30 * 86'400)
        return ApiKeyTableModel::tr("%1 d ago").arg(s / 86'400);
    return shortTime(time, QString());
}

} // namespace

ApiKeyTableModel::ApiKeyTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ApiKeyTableModel::setKeys(const std::vector<ApiKeyConfig> &keys)
{
    std::vector<ApiKeyConfig> sorted = keys;
    // Newest first: the key just issued is the one a user looks for.
    std::stable_sort(
        sorted.begin(), sorted.end(),
        [](const ApiKeyConfig &a, const ApiKeyConfig &b) { return a.created > b.created; });
    const bool same = sorted.size() == m_rows.size()
        && std::equal(sorted.begin(), sorted.end(), m_rows.begin(),
                      [](const ApiKeyConfig &k, const Row &r) { return k == r.key; });
    if (same) {
        refresh();
        return;
    }
    beginResetModel();
    m_rows.clear();
    for (ApiKeyConfig &key : sorted)
        m_rows.push_back(Row{std::move(key), {}});
    judge();
    endResetModel();
}

void ApiKeyTableModel::refresh()
{
    judge();
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, LastUsed), index(int(m_rows.size()) - 1, State));
}

void ApiKeyTableModel::judge()
{
    m_now = QDateTime::currentDateTimeUtc();
    for (Row &row : m_rows)
        row.lastUsed = m_lastUsed ? m_lastUsed(row.key.id) : QDateTime();
}

const ApiKeyConfig *ApiKeyTableModel::keyAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? &m_rows[size_t(row)].key : nullptr;
}

int ApiKeyTableModel::rowOf(const QString &keyId) const
{
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].key.id == keyId)
            return int(i);
    }
    return -1;
}

int ApiKeyTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ApiKeyTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ApiKeyTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    const ApiKeyConfig &key = row.key;
    const ApiKeyState state = apiKeyState(key, m_now);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Prefix: return key.prefix + QStringLiteral("…");
        case Id: return key.id;
        case Created: return shortTime(key.created, QString());
        case Expires:
            if (state == ApiKeyState::Revoked)
                return tr("revoked %1").arg(shortTime(key.revoked, QString()));
            return shortTime(key.expires, tr("never"));
        case LastUsed: return row.lastUsed.isValid() ? sinceText(row.lastUsed, m_now) : tr("never");
        case State:
            switch (state) {
            case ApiKeyState::Active: return tr("active");
            case ApiKeyState::Expired: return tr("expired");
            case ApiKeyState::Revoked: return tr("revoked");
            }
        }
        return {};
    case StateRole: return int(state);
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Prefix: return tr("Key %1… (id %2)").arg(key.prefix, key.id);
        case Created: return timeText(key.created, QString());
        case Expires:
            if (state == ApiKeyState::Active && key.expires.isValid())
                return tr("Stops working at %1").arg(timeText(key.expires, QString()));
            if (state == ApiKeyState::Revoked)
                return tr("Revoked at %1").arg(timeText(key.revoked, QString()));
            return data(index, Qt::DisplayRole);
        case LastUsed: return timeText(row.lastUsed, tr("Never used"));
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::ForegroundRole:
        if (index.column() == State) {
            switch (state) {
            case ApiKeyState::Active: return QBrush(okColor());
            case ApiKeyState::Expired: return QBrush(warningColor());
            case ApiKeyState::Revoked: return QBrush(errorColor());
            }
        }
        return {};
    default: return {};
    }
}

QVariant ApiKeyTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Prefix: return tr("Key");
    case Id: return tr("Id");
    case Created: return tr("Created");
    case Expires: return tr("Expires");
    case LastUsed: return tr("Last used");
    case State: return tr("Status");
    default: return {};
    }
}

} // namespace portico
