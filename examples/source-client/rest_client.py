import requests

# Базовый URL API
base_url = 'http://localhost:3000'

# Аутентификация и получение токена
def authenticate():
    auth_data = {'username': 'admin', 'password': 'password'}
    response = requests.post(f'{base_url}/auth', json=auth_data)
    
    if response.status_code == 200:
        return response.json()['token']
    else:
        raise Exception('Ошибка аутентификации')

# Получение всех пользователей
def get_users(token):
    headers = {'Authorization': token}
    response = requests.get(f'{base_url}/users', headers=headers)
    
    if response.status_code == 200:
        return response.json()['users']
    else:
        raise Exception(f'Ошибка получения пользователей: {response.status_code}')

# Создание нового пользователя
def create_user(token, name, email):
    headers = {'Authorization': token}
    user_data = {'name': name, 'email': email}
    
    response = requests.post(f'{base_url}/users', json=user_data, headers=headers)
    
    if response.status_code == 201:
        return response.json()
    else:
        raise Exception(f'Ошибка создания пользователя: {response.status_code}')

# Обновление пользователя
def update_user(token, user_id, data):
    headers = {'Authorization': token}
    
    response = requests.patch(f'{base_url}/users/{user_id}', json=data, headers=headers)
    
    if response.status_code == 200:
        return response.json()
    else:
        raise Exception(f'Ошибка обновления пользователя: {response.status_code}')

# Удаление пользователя
def delete_user(token, user_id):
    headers = {'Authorization': token}
    
    response = requests.delete(f'{base_url}/users/{user_id}', headers=headers)
    
    if response.status_code == 204:
        return True
    else:
        raise Exception(f'Ошибка удаления пользователя: {response.status_code}')

# Использование
try:
    # Аутентификация
    token = authenticate()
    print(f'Успешная аутентификация, токен: {token}')
    
    # Получение пользователей
    users = get_users(token)
    print(f'Пользователи: {users}')
    
    # Создание пользователя
    new_user = create_user(token, 'Charlie', 'charlie@example.com')
    print(f'Создан новый пользователь: {new_user}')
    
    # Обновление пользователя
    updated_user = update_user(token, new_user['id'], {'email': 'charlie.updated@example.com'})
    print(f'Обновленный пользователь: {updated_user}')
    
    # Удаление пользователя
    deleted = delete_user(token, new_user['id'])
    print(f'Пользователь удален: {deleted}')
    
except Exception as e:
    print(f'Ошибка: {e}')
