#pragma once

#include "config/Config.h"

#include <QAbstractTableModel>

namespace portico {

// The plans of a configuration, one row each: the five windows' limits ("—" for none) and
// how many consumers are on the plan.
class PlanTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Second, Minute, Hour, Day, Month, Consumers, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1 }; // limits as numbers, "no limit" as the largest

    explicit PlanTableModel(QObject *parent = nullptr);

    void setConfig(const Config &config);

    const PlanConfig *planAt(int row) const;
    int rowOf(const QString &name) const;
    int consumerCount(const QString &plan) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        PlanConfig plan;
        int consumers = 0;
    };
    std::vector<Row> m_rows;
};

} // namespace portico
