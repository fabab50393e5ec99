#pragma once

#include "ControlRoom.h"

#include <QWidget>

class QTableView;

namespace portico {

class RouteTableModel;

// The routes page of the control room: the stored route table.
class RoutesPage : public QWidget
{
    Q_OBJECT
public:
    explicit RoutesPage(ControlRoom room, QWidget *parent = nullptr);

    RouteTableModel *model() const { return m_model; }

private:
    void reload();

    ControlRoom m_room;
    RouteTableModel *m_model;
    QTableView *m_view;
};

} // namespace portico
