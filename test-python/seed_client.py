# The source material's gRPC client (seed document, "gRPC клиент на Python"),
# compiled from the source material's own user.proto, with the one change
# polyface needs: a bearer token in the metadata of every call.
# scripts/grpc-python-client.sh runs it against a fresh `npm start`; the
# target may be set there (GRPC_TARGET) so the run can use free ports — by
# default it is the source's own localhost:50051.
import os

import grpc
import user_pb2
import user_pb2_grpc

TARGET = os.environ.get('GRPC_TARGET', 'localhost:50051')
METADATA = [('authorization', 'Bearer ' + os.environ['POLYFACE_TOKEN'])]


def run():
    with grpc.insecure_channel(TARGET) as channel:
        stub = user_pb2_grpc.UserServiceStub(channel)
        
        # Получение пользователя
        response = stub.GetUser(user_pb2.GetUserRequest(id='1'), metadata=METADATA)
        print(f"Получен пользователь: {response}")
        
        # Создание пользователя
        new_user = stub.CreateUser(user_pb2.User(
            id='3',
            name='Charlie',
            email='charlie@example.com'
        ), metadata=METADATA)
        print(f"Создан пользователь: {new_user}")
        
        # Получение всех пользователей
        print("Список пользователей:")
        for user in stub.ListUsers(user_pb2.ListUsersRequest(page_size=10), metadata=METADATA):
            print(user)
        
        # Обновление пользователя
        updated_user = stub.UpdateUser(user_pb2.User(
            id='3',
            name='Charlie',
            email='charlie.updated@example.com'
        ), metadata=METADATA)
        print(f"Обновлен пользователь: {updated_user}")
        
        # Удаление пользователя
        stub.DeleteUser(user_pb2.GetUserRequest(id='3'), metadata=METADATA)
        print("Пользователь удален")

if __name__ == '__main__':
    run()
