#pragma once

#include "certs/CertificateStatus.h"
#include "config/Config.h"

#include <QAbstractTableModel>
#include <QDateTime>

#include <vector>

namespace portico {

// The certificates of a configuration in their order (the first is the default one): the
// names each is served for, its issuer, its expiry and how it stands on a given day. The PEM
// text is read once per change, not per paint; the private key is never shown.
class CertificateTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, ServedNames, Issuer, Expires, Status, ColumnCount };
    enum Role { StateRole = Qt::UserRole + 1 }; // CertificateStatus::State as an int

    explicit CertificateTableModel(QObject *parent = nullptr);

    // Statuses are as of `now` (tests give a fixed day; the page gives the current time).
    void setConfig(const Config &config, const QDateTime &now);

    const CertificateConfig *certificateAt(int row) const;
    const CertificateStatus *statusAt(int row) const;
    int rowOf(const QString &name) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // "in 9 days", "today", "3 days ago": how far the expiry is, at a glance.
    static QString daysText(int days);
    // "valid", "expiring soon", "expired", "not yet valid", "unreadable".
    static QString stateText(CertificateStatus::State state);

private:
    struct Row
    {
        CertificateConfig certificate;
        CertificateStatus status;
    };
    QVariant display(const Row &row, int column, bool isDefault) const;
    QVariant toolTip(const Row &row, int column, bool isDefault) const;

    std::vector<Row> m_rows;
};

} // namespace portico
